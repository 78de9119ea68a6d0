/**
 * Fields as categories (crosstabs) or numbers (drivers) on PostgreSQL (the SQLite store and its
 * reasons: ../analysis.ts). Categories keep SQLite's text forms, so tables and labels match.
 */
import { listOf, UserError } from '../../errors.js';
import { parseField } from '../../domain/fields.js';
import { quartileBins } from '../../domain/stats.js';
import { decimal } from '../../domain/format.js';
import { NONE_OF_THESE } from '../../domain/questions.js';
import type { ScaleBins } from '../../domain/crosstab.js';
import type { PopulationRule } from '../../domain/population.js';
import type { AnalysisStore, CategorySide, NumericColumn } from '../analysis.js';
import type { Async } from '../async-view.js';
import { dateGroupSql, resolveAttribute, resolveQuestion, segmentLabelSql, type FieldCatalog } from '../fields-sql.js';
import { chooseDateUnit, MAX_DATE_GROUPS, type DateUnitRequest } from '../../domain/grouping.js';
import { populationSql } from '../population.js';
import { IdNumbers } from '../../domain/id-numbers.js';
import { numbered } from './fields.js';
import { first, rows, type Sql } from './sql.js';

/** A number attribute of `p`, null when absent or not a number. */
const NUMBER = "(CASE WHEN jsonb_typeof(p.attributes -> ?) = 'number' THEN (p.attributes ->> ?)::float8 END)";
/** A scale answer as a number. */
const SCALE = '(a.value)::float8';

export class PgAnalysisStore implements Async<AnalysisStore> {
  constructor(private readonly sql: Sql) {}

  private async run<R extends Record<string, unknown>>(text: string, params: unknown[]): Promise<R[]> {
    return (await this.sql.query<R>(numbered(text), params)).rows;
  }

  async categories(studyId: number, field: string, context: FieldCatalog, bins: ScaleBins = 'auto', dates: { unit: DateUnitRequest; maxGroups: number } = { unit: 'auto', maxGroups: MAX_DATE_GROUPS }): Promise<CategorySide> {
    const ref = parseField(field);
    const inStudy = 'p.study_id = ?';
    const base = { field, multi: false, order: null as string[] | null, note: null as string | null };
    switch (ref.kind) {
      case 'answer': {
        const q = resolveQuestion(context, ref.key, field);
        const from = 'FROM answers a WHERE a.question_id = ?';
        if (ref.option !== null) {
          const option = q.options?.find((o) => o.toLowerCase() === ref.option!.toLowerCase());
          if (!option) throw new UserError(`"${field}": "${ref.option}" is not an option of "${q.key}"; options: ${listOf(q.options ?? [])}.`);
          if (q.type === 'multiple_choice') {
            return { ...base, sql: `SELECT a.participant_id AS pid, CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements_text(a.value) AS j(v) WHERE j.v = ?) THEN 'chosen' ELSE 'not chosen' END AS cat ${from}`, params: [option, q.id], order: ['chosen', 'not chosen'] };
          }
          if (q.type === 'ranking') {
            const ranks = (q.options ?? []).map((_, i) => String(i + 1));
            return {
              ...base,
              sql: `SELECT a.participant_id AS pid, COALESCE((SELECT j.n::text FROM jsonb_array_elements_text(a.value) WITH ORDINALITY AS j(v, n) WHERE j.v = ?), 'unranked') AS cat ${from}`,
              params: [option, q.id],
              order: [...ranks, 'unranked'],
              note: `rank given to ${option} (1 = first)`,
            };
          }
          throw new UserError(`"${field}": the :option form applies to ranking and multiple_choice questions.`);
        }
        switch (q.type) {
          case 'open_ended':
            throw new UserError(`"${field}" is open-ended: crosstab its coded themes instead (field "theme"; code_themes attaches them).`);
          case 'single_choice':
            return { ...base, sql: `SELECT a.participant_id AS pid, a.value #>> '{}' AS cat ${from}`, params: [q.id], order: q.options };
          case 'yes_no':
            return { ...base, sql: `SELECT a.participant_id AS pid, CASE ${SCALE} WHEN 1 THEN 'yes' ELSE 'no' END AS cat ${from}`, params: [q.id], order: ['yes', 'no'] };
          case 'multiple_choice':
            return {
              ...base,
              sql: `SELECT a.participant_id AS pid, j.v AS cat FROM answers a, jsonb_array_elements_text(a.value) AS j(v) WHERE a.question_id = ? UNION ALL SELECT participant_id, '${NONE_OF_THESE}' FROM answers WHERE question_id = ? AND value = '[]'::jsonb`,
              params: [q.id, q.id],
              multi: true,
              order: [...(q.options ?? []), NONE_OF_THESE],
              note: 'multiple choice: one category per option chosen (and "(none of these)" for an empty answer); tested per option',
            };
          case 'ranking':
            return { ...base, sql: `SELECT a.participant_id AS pid, a.value ->> 0 AS cat ${from}`, params: [q.id], order: q.options, note: `ranking: grouped by first choice (answer.${q.key}:<option> gives one option's rank)` };
          case 'scale': {
            const min = q.scale_min!;
            const max = q.scale_max!;
            const points = max - min + 1;
            const chosen = bins === 'auto' ? (points <= 7 ? 'values' : min === 0 && max === 10 ? 'nps' : 'thirds') : bins;
            if (chosen === 'values') {
              const order = Number.isInteger(min) && Number.isInteger(max) && points <= 101 ? Array.from({ length: points }, (_, i) => String(min + i)) : null;
              return { ...base, sql: `SELECT a.participant_id AS pid, (a.value)::text AS cat ${from}`, params: [q.id], order };
            }
            if (chosen === 'nps') {
              if (min !== 0 || max !== 10) throw new UserError(`"${field}": bins "nps" needs a 0–10 scale; this one is ${min}–${max}.`);
              return { ...base, sql: `SELECT a.participant_id AS pid, CASE WHEN ${SCALE} >= 9 THEN 'promoter (9–10)' WHEN ${SCALE} >= 7 THEN 'passive (7–8)' ELSE 'detractor (0–6)' END AS cat ${from}`, params: [q.id], order: ['detractor (0–6)', 'passive (7–8)', 'promoter (9–10)'], note: 'binned as NPS groups' };
            }
            if (chosen === 'top2') {
              const label = `top 2 (${max - 1}–${max})`;
              return { ...base, sql: `SELECT a.participant_id AS pid, CASE WHEN ${SCALE} >= ? THEN ?::text ELSE 'rest' END AS cat ${from}`, params: [max - 1, label, q.id], order: [label, 'rest'], note: 'binned as top-2 box vs the rest' };
            }
            const step = (max - min) / 3;
            const cut1 = min + step;
            const cut2 = min + 2 * step;
            const whole = Number.isInteger(min) && Number.isInteger(max);
            const labels = whole
              ? [`low (${min}–${Math.floor(cut1)})`, `mid (${Math.floor(cut1) + 1}–${Math.floor(cut2)})`, `high (${Math.floor(cut2) + 1}–${max})`]
              : [`low (≤ ${decimal(cut1, 1)})`, `mid (${decimal(cut1, 1)}–${decimal(cut2, 1)})`, `high (> ${decimal(cut2, 1)})`];
            return {
              ...base,
              sql: `SELECT a.participant_id AS pid, CASE WHEN ${SCALE} <= ? THEN ?::text WHEN ${SCALE} <= ? THEN ?::text ELSE ?::text END AS cat ${from}`,
              params: [cut1, labels[0], cut2, labels[1], labels[2], q.id],
              order: labels,
              note: 'binned into thirds of the scale',
            };
          }
        }
        break;
      }
      case 'attr': {
        const type = resolveAttribute(context, ref.name, field);
        const name = ref.name;
        const present = `FROM participants p WHERE ${inStudy} AND p.attributes -> ? IS NOT NULL AND jsonb_typeof(p.attributes -> ?) <> 'null'`;
        if (type === 'number') {
          const values = (await this.run<{ v: number }>(`SELECT ${NUMBER} AS v ${present} ORDER BY v`, [name, name, studyId, name, name])).map((r) => r.v);
          const distinct = [...new Set(values)];
          if (distinct.length <= 6) return { ...base, sql: `SELECT p.id AS pid, p.attributes ->> ? AS cat ${present}`, params: [name, studyId, name, name], order: distinct.map(String) };
          const { cuts, labels } = quartileBins(values);
          return {
            ...base,
            sql: `SELECT pid, CASE WHEN v <= ? THEN ?::text WHEN v <= ? THEN ?::text WHEN v <= ? THEN ?::text ELSE ?::text END AS cat FROM (SELECT p.id AS pid, ${NUMBER} AS v ${present}) x`,
            params: [cuts[0], labels[0], cuts[1], labels[1], cuts[2], labels[2], labels[3], name, name, studyId, name, name],
            order: [...new Set(labels)],
            note: `${field} is numeric: binned into quartiles`,
          };
        }
        if (type === 'date') {
          const span = (await this.run<{ first: string | null; last: string | null }>(`SELECT min(p.attributes ->> ?) AS first, max(p.attributes ->> ?) AS last FROM participants p WHERE ${inStudy}`, [name, name, studyId]))[0]!;
          const unit = chooseDateUnit(span.first, span.last, dates.unit, dates.maxGroups);
          return { ...base, sql: `SELECT pid, ${dateGroupSql('d', unit)} AS cat FROM (SELECT p.id AS pid, p.attributes ->> ? AS d ${present}) x`, params: [name, studyId, name, name], note: `${field} is a date: grouped by ${unit}`, date_unit: unit };
        }
        const expr = type === 'boolean' ? `CASE p.attributes -> ? WHEN 'true'::jsonb THEN 'true' ELSE 'false' END` : `p.attributes ->> ?`;
        return { ...base, sql: `SELECT p.id AS pid, ${expr} AS cat ${present}`, params: [name, studyId, name, name], order: type === 'boolean' ? ['true', 'false'] : null };
      }
      case 'tag':
        return { ...base, sql: `SELECT t.participant_id AS pid, t.tag AS cat FROM participant_tags t JOIN participants p ON p.id = t.participant_id WHERE ${inStudy}`, params: [studyId], multi: true, note: 'tags: a participant counts once per tag; tested per tag' };
      case 'theme':
        return {
          ...base,
          sql: `SELECT DISTINCT e.participant_id AS pid, t.code AS cat FROM theme_evidence e JOIN themes t ON t.id = e.theme_id WHERE t.study_id = ?`,
          params: [studyId],
          multi: true,
          note: 'themes: a participant counts once per theme; tested per theme (participants with no theme coded are left out)',
        };
      case 'status':
        return {
          ...base,
          sql: `SELECT p.id AS pid, COALESCE(i.status, 'not_interviewed') AS cat FROM participants p LEFT JOIN interviews i ON i.participant_id = p.id WHERE ${inStudy}`,
          params: [studyId],
          order: ['completed', 'partial', 'not_interviewed'],
        };
      case 'segment': {
        if (context.segmentationId === null) throw new UserError('The field "segment" needs a segmentation: run cluster_participants or segment_by_rules first, or pass segmentation_id.');
        const overlapping = (await first<{ overlapping: boolean }>(this.sql, 'SELECT overlapping FROM segmentations WHERE id = $1', [context.segmentationId]))!.overlapping;
        const label = segmentLabelSql(context, 'm.segment_id');
        return {
          ...base,
          sql: `SELECT m.participant_id AS pid, ${label.sql} AS cat FROM segment_members m WHERE m.segmentation_id = ?`,
          params: [...label.params, context.segmentationId],
          multi: overlapping,
          order: [...context.segmentLabels.values()],
          note: `segments of segmentation ${context.segmentationId}`,
        };
      }
      default:
        throw new UserError(`"${field}" cannot be cross-tabulated; use answer.<key>, attr.<name>, tag, theme, status or segment.`);
    }
    throw new UserError(`"${field}" cannot be cross-tabulated.`);
  }

  async crosstab(rows: CategorySide, columns: CategorySide, counted: { sql: string; params: unknown[] }): Promise<{ r: string; c: string; n: number }[]> {
    return this.run<{ r: string; c: string; n: number }>(
      `WITH r AS (${rows.sql}), c AS (${columns.sql}), k AS (${counted.sql})
       SELECT r.cat AS r, c.cat AS c, count(*) AS n FROM r JOIN c ON c.pid = r.pid WHERE r.pid IN (SELECT pid FROM k) AND r.cat IS NOT NULL AND c.cat IS NOT NULL GROUP BY r.cat, c.cat`,
      [...rows.params, ...columns.params, ...counted.params],
    );
  }

  respondents(multiSide: CategorySide, by: CategorySide, counted: { sql: string; params: unknown[] }): Promise<{ cat: string; n: number }[]> {
    return this.run(`WITH m AS (${multiSide.sql}), b AS (${by.sql}), k AS (${counted.sql}) SELECT b.cat AS cat, count(DISTINCT b.pid) AS n FROM b WHERE b.pid IN (SELECT pid FROM m) AND b.pid IN (SELECT pid FROM k) GROUP BY b.cat`, [
      ...multiSide.params,
      ...by.params,
      ...counted.params,
    ]);
  }

  async numericColumns(studyId: number, fields: string[], context: FieldCatalog): Promise<NumericColumn[]> {
    const out: NumericColumn[] = [];
    for (const field of fields) out.push(...(await this.numeric(studyId, field, context)));
    return out;
  }

  async numeric(studyId: number, field: string, context: FieldCatalog): Promise<NumericColumn[]> {
    const ref = parseField(field);
    const read = async (sql: string, params: unknown[]) => {
      const found = await this.run<{ pid: number; v: number }>(sql, params);
      return new IdNumbers(found.map((r) => r.pid), found.map((r) => r.v));
    };
    if (ref.kind === 'answer') {
      const q = resolveQuestion(context, ref.key, field);
      if (q.type === 'open_ended') throw new UserError(`"${field}" is open-ended: use its coded themes (field "theme") as drivers.`);
      if (q.type === 'scale' || q.type === 'yes_no') {
        if (ref.option !== null) throw new UserError(`"${field}": the :option form applies to ranking and multiple_choice questions.`);
        return [{ name: field, field, values: await read(`SELECT a.participant_id AS pid, ${SCALE} AS v FROM answers a WHERE a.question_id = ? ORDER BY a.participant_id`, [q.id]) }];
      }
      const answers = (await rows<{ pid: number; value: string | string[] }>(this.sql, 'SELECT participant_id AS pid, value FROM answers WHERE question_id = $1 ORDER BY participant_id', [q.id])).map((r) => [r.pid, r.value] as const);
      const column = (name: string, valueOf: (stored: string | string[]) => number): NumericColumn => ({ name, field, values: new IdNumbers(answers.map(([pid]) => pid), answers.map(([, stored]) => valueOf(stored))) });
      const rankPoints = (option: string) => (stored: string | string[]) => {
        const at = (stored as string[]).indexOf(option);
        return at < 0 ? 0 : q.options!.length - at;
      };
      const chose = (option: string) => (stored: string | string[]) => ((stored as string[]).includes(option) ? 1 : 0);
      if (ref.option !== null) {
        const option = q.options?.find((o) => o.toLowerCase() === ref.option!.toLowerCase());
        if (!option) throw new UserError(`"${field}": "${ref.option}" is not an option of "${q.key}"; options: ${listOf(q.options ?? [])}.`);
        if (q.type === 'ranking') return [column(field, rankPoints(option))];
        if (q.type === 'multiple_choice') return [column(field, chose(option))];
        throw new UserError(`"${field}": the :option form applies to ranking and multiple_choice questions.`);
      }
      switch (q.type) {
        case 'single_choice': {
          const counts = new Map<string, number>();
          for (const [, o] of answers) counts.set(o as string, (counts.get(o as string) ?? 0) + 1);
          const reference = [...(q.options ?? [])].sort((x, y) => (counts.get(x) ?? 0) - (counts.get(y) ?? 0))[0];
          return (q.options ?? []).filter((o) => o !== reference).map((o) => column(`${field} = ${o}`, (stored) => (stored === o ? 1 : 0)));
        }
        case 'multiple_choice':
          return (q.options ?? []).map((o) => column(`${field} = ${o}`, chose(o)));
        case 'ranking':
          return (q.options ?? []).map((o) => column(`${field}:${o} (rank points)`, rankPoints(o)));
      }
    }
    if (ref.kind === 'attr') {
      const type = resolveAttribute(context, ref.name, field);
      const name = ref.name;
      if (type === 'number') return [{ name: field, field, values: await read(`SELECT id AS pid, v FROM (SELECT p.id, ${NUMBER} AS v FROM participants p WHERE p.study_id = ?) x WHERE v IS NOT NULL ORDER BY id`, [name, name, studyId]) }];
      if (type === 'boolean') return [{ name: field, field, values: await read(`SELECT id AS pid, v FROM (SELECT p.id, CASE p.attributes -> ? WHEN 'true'::jsonb THEN 1 WHEN 'false'::jsonb THEN 0 END AS v FROM participants p WHERE p.study_id = ?) x WHERE v IS NOT NULL ORDER BY id`, [name, studyId]) }];
      if (type === 'date') {
        // Days since 1970-01-01 as SQLite's julianday() - 2440587.5 gives them (fractions for times).
        return [{ name: field, field, values: await read(`SELECT p.id AS pid, extract(epoch FROM (p.attributes ->> ?)::timestamp) / 86400 AS v FROM participants p WHERE p.study_id = ? AND p.attributes ->> ? IS NOT NULL ORDER BY p.id`, [name, studyId, name]) }];
      }
      throw new UserError(`"${field}" is a ${type} attribute; drivers and outcomes must be numbers, yes/no, dates or answers (crosstab compares categories).`);
    }
    if (ref.kind === 'theme') {
      const codes = await rows<{ id: number; code: string }>(this.sql, 'SELECT id, code FROM themes WHERE study_id = $1 ORDER BY code COLLATE "C"', [studyId]);
      if (codes.length === 0) throw new UserError('The study has no coded themes yet (code_themes).');
      const out: NumericColumn[] = [];
      for (const t of codes) {
        out.push({
          name: `theme = ${t.code}`,
          field: 'theme',
          values: await read(
            `SELECT i.participant_id AS pid, CASE WHEN EXISTS (SELECT 1 FROM theme_evidence e WHERE e.participant_id = i.participant_id AND e.theme_id = ?) THEN 1 ELSE 0 END AS v
               FROM interviews i JOIN participants p ON p.id = i.participant_id WHERE p.study_id = ? ORDER BY i.participant_id`,
            [t.id, studyId],
          ),
        });
      }
      return out;
    }
    throw new UserError(`"${field}" cannot be a driver or outcome; use answer.<key>, attr.<name> or theme.`);
  }

  async counted(studyId: number, rule: PopulationRule): Promise<Set<number>> {
    const { sql, params } = populationSql(studyId, rule);
    return new Set((await this.run<{ pid: number }>(sql, params)).map((r) => r.pid));
  }

  async externalIds(studyId: number): Promise<Map<number, string>> {
    return new Map((await rows<{ id: number; external_id: string }>(this.sql, 'SELECT id, external_id FROM participants WHERE study_id = $1', [studyId])).map((r) => [r.id, r.external_id]));
  }
}
