/** The SQL of the population rule (domain/population.ts): the participants an analysis counts. */
import type { PopulationRule } from '../domain/population.js';
import type { Db } from './db.js';
import { readColumns } from './columns.js';

/** SELECT pid of the study's participants the rule counts. */
export function populationSql(studyId: number, rule: PopulationRule): { sql: string; params: unknown[] } {
  if (rule.scope === 'crm_base') return { sql: 'SELECT p.id AS pid FROM participants p WHERE p.study_id = ?', params: [studyId] };
  const statuses = rule.statuses.filter((s) => s !== 'not_interviewed');
  return {
    sql: `SELECT i.participant_id AS pid FROM interviews i JOIN participants p ON p.id = i.participant_id WHERE p.study_id = ? AND i.status IN (${statuses.map(() => '?').join(', ')})`,
    params: [studyId, ...statuses],
  };
}

/** The internal ids the rule counts. */
export function populationIds(db: Db, studyId: number, rule: PopulationRule): Set<number> {
  const { sql, params } = populationSql(studyId, rule);
  const [ids] = readColumns<[number]>(db, `SELECT json_group_array(pid) FROM (${sql})`, params);
  return new Set(ids);
}
