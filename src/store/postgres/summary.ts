/**
 * summarize_questions on PostgreSQL (the SQLite store and its reasons: ../summary.ts). The
 * population and groups go to temporary tables of one session; answers are counted with GROUP BY
 * per group and stored value, and the statistics come from the same code as on SQLite.
 */
import { listOf, UserError } from '../../errors.js';
import { parseField } from '../../domain/fields.js';
import { NONE_OF_THESE } from '../../domain/questions.js';
import type { QuestionStats, QuestionSummary } from '../../domain/question-stats.js';
import { populationRule } from '../../domain/population.js';
import { quartileBins } from '../../domain/stats.js';
import type { Async } from '../async-view.js';
import { dateGroupSql, resolveAttribute, resolveQuestion, segmentLabelSql, type FieldCatalog } from '../fields-sql.js';
import { populationSql } from '../population.js';
import type { StoredQuestion } from '../studies.js';
import { ALL, groupingResult, openEndedStats, orderGroups, structuredStats, TERM_SAMPLE, TOTAL, withTotal, type Counts, type SummaryOptions, type SummaryResult, type SummaryStore } from '../summary.js';
import { chooseDateUnit, largestGroups, MAX_DATE_GROUPS, MAX_GROUPS, type DateUnit, type DateUnitRequest } from '../../domain/grouping.js';
import { numbered } from './fields.js';
import { clientSql, type Sql } from './sql.js';

interface Grouping {
  sql: string;
  params: unknown[];
  overlapping: boolean;
  note?: string;
  date_unit?: DateUnit;
}

export class PgSummaryStore implements Async<SummaryStore> {
  constructor(private readonly sql: Sql) {}

  summarize(studyId: number, context: FieldCatalog, options: SummaryOptions): Promise<SummaryResult> {
    return this.sql.atomically(async (client) => {
      const sql = clientSql(client);
      const run = async <R extends Record<string, unknown>>(text: string, params: unknown[] = []) => (await sql.query<R>(numbered(text), params)).rows;
      const all = [...context.questions.values()];
      const questions = options.questions !== undefined ? options.questions.map((key) => resolveQuestion(context, key, `questions`)) : all;
      const rule = populationRule(options.include_partial, true);
      await client.query(`DROP TABLE IF EXISTS summary_scope; DROP TABLE IF EXISTS summary_groups;
        CREATE TEMPORARY TABLE summary_scope (participant_id bigint PRIMARY KEY) ON COMMIT DROP;
        CREATE TEMPORARY TABLE summary_groups (participant_id bigint NOT NULL, grp text NOT NULL) ON COMMIT DROP;`);
      const counted = populationSql(studyId, rule);
      await run(`INSERT INTO summary_scope SELECT pid FROM (${counted.sql}) x`, counted.params);
      const grouping = options.by ? await this.grouping(run, options.by, context, options.date_unit ?? 'auto') : null;
      let fold: { other: string; groups: number } | null = null;
      if (grouping) {
        await run(`INSERT INTO summary_groups (participant_id, grp) WITH e AS (SELECT s.participant_id, p.attributes FROM summary_scope s JOIN participants p ON p.id = s.participant_id) ${grouping.sql}`, grouping.params);
        fold = await this.foldSmallGroups(run, grouping.date_unit ? MAX_DATE_GROUPS : MAX_GROUPS);
        await client.query('CREATE INDEX ON summary_groups (participant_id, grp); ANALYZE summary_groups; ANALYZE summary_scope');
      }
      const sizes = grouping ? await run<{ grp: string; n: number }>('SELECT grp, count(*) AS n FROM summary_groups GROUP BY grp ORDER BY n DESC, grp COLLATE "C"') : [];
      const groupSizes = orderGroups(sizes, fold?.other ?? null, grouping?.date_unit);
      const population = (await run<{ n: number }>('SELECT count(*) AS n FROM summary_scope'))[0]!.n;
      const partition =
        grouping !== null && groupSizes.reduce((sum, g) => sum + g.n, 0) === population && (await run<{ n: number }>('SELECT count(DISTINCT participant_id) AS n FROM summary_groups'))[0]!.n === population;
      const grouped = '(SELECT participant_id, grp FROM summary_groups)';
      const everyone = `(SELECT participant_id, '${ALL}'::text AS grp FROM summary_scope)`;
      const summaries: QuestionSummary[] = [];
      let stoppedAt: number | null = null;
      for (const question of questions) {
        const perGroup = grouping ? await this.questionStats(run, question, grouped, groupSizes.map((g) => g.grp), partition) : null;
        const overall = partition ? perGroup!.get(TOTAL)! : (await this.questionStats(run, question, everyone, [ALL])).get(ALL)!;
        const summary: QuestionSummary = { key: question.key, type: question.type, text: question.text, ...overall };
        if (perGroup) summary.groups = groupSizes.map((g) => ({ group: g.grp, ...perGroup.get(g.grp)! }));
        if (options.accept && !options.accept(summary)) {
          stoppedAt = summaries.length;
          break;
        }
        summaries.push(summary);
      }
      await client.query('DROP TABLE summary_scope; DROP TABLE summary_groups');
      return {
        population: { statuses: rule.statuses, participants: population },
        by: grouping ? groupingResult(options.by!, grouping, groupSizes, fold) : null,
        questions: summaries,
        stopped_at: stoppedAt,
      };
    });
  }

  /** As the SQLite store's foldSmallGroups: the groups beyond the `max − 1` largest become one "Other" group. */
  private async foldSmallGroups(run: <R extends Record<string, unknown>>(text: string, params?: unknown[]) => Promise<R[]>, max: number): Promise<{ other: string; groups: number } | null> {
    const sizes = new Map((await run<{ grp: string; n: number }>('SELECT grp, count(*) AS n FROM summary_groups GROUP BY grp')).map((g) => [g.grp, g.n]));
    const fold = largestGroups(sizes, max);
    if (!fold) return null;
    await run('CREATE TEMPORARY TABLE summary_groups_folded ON COMMIT DROP AS SELECT DISTINCT participant_id, CASE WHEN grp = ANY(?::text[]) THEN grp ELSE ? END AS grp FROM summary_groups', [[...fold.kept], fold.other]);
    await run('DELETE FROM summary_groups');
    await run('INSERT INTO summary_groups SELECT * FROM summary_groups_folded');
    await run('DROP TABLE summary_groups_folded');
    return { other: fold.other, groups: sizes.size };
  }

  /** As the SQLite store's grouping, with values in SQLite's text forms so the group names match. */
  private async grouping(run: <R extends Record<string, unknown>>(text: string, params?: unknown[]) => Promise<R[]>, by: string, context: FieldCatalog, dateUnit: DateUnitRequest): Promise<Grouping> {
    const ref = parseField(by);
    switch (ref.kind) {
      case 'attr': {
        const type = resolveAttribute(context, ref.name, by);
        const name = ref.name;
        if (type === 'number') {
          const number = "(CASE WHEN jsonb_typeof(attributes -> ?) = 'number' THEN (attributes ->> ?)::float8 END)";
          const values = (await run<{ v: number }>(`SELECT v FROM (SELECT ${number.replaceAll('attributes', 'p.attributes')} AS v FROM summary_scope s JOIN participants p ON p.id = s.participant_id) x WHERE v IS NOT NULL ORDER BY v`, [name, name])).map((r) => r.v);
          if (new Set(values).size <= 6) return { sql: `SELECT participant_id, COALESCE(attributes ->> ?, '(missing)') AS grp FROM e`, params: [name], overlapping: false };
          const { cuts, labels } = quartileBins(values);
          return {
            sql: `SELECT participant_id, CASE WHEN v IS NULL THEN '(missing)' WHEN v <= ? THEN ? WHEN v <= ? THEN ? WHEN v <= ? THEN ? ELSE ? END AS grp
                    FROM (SELECT participant_id, ${number} AS v FROM e) x`,
            params: [cuts[0], labels[0], cuts[1], labels[1], cuts[2], labels[2], labels[3], name, name],
            overlapping: false,
            note: `attr.${ref.name} is numeric: grouped into quartiles`,
          };
        }
        if (type === 'date') {
          const span = (await run<{ first: string | null; last: string | null }>('SELECT min(p.attributes ->> ?) AS first, max(p.attributes ->> ?) AS last FROM summary_scope s JOIN participants p ON p.id = s.participant_id', [name, name]))[0]!;
          const unit = chooseDateUnit(span.first, span.last, dateUnit);
          return { sql: `SELECT participant_id, COALESCE(${dateGroupSql('d', unit)}, '(missing)') AS grp FROM (SELECT participant_id, attributes ->> ? AS d FROM e) x`, params: [name], overlapping: false, note: `attr.${ref.name} is a date: grouped by ${unit}`, date_unit: unit };
        }
        if (type === 'boolean') return { sql: `SELECT participant_id, CASE attributes -> ? WHEN 'true'::jsonb THEN 'true' WHEN 'false'::jsonb THEN 'false' ELSE '(missing)' END AS grp FROM e`, params: [name], overlapping: false };
        return { sql: `SELECT participant_id, COALESCE(attributes ->> ?, '(missing)') AS grp FROM e`, params: [name], overlapping: false };
      }
      case 'tag':
        return {
          sql: `SELECT e.participant_id, t.tag AS grp FROM e JOIN participant_tags t ON t.participant_id = e.participant_id
                UNION ALL SELECT e.participant_id, '(no tag)' FROM e WHERE NOT EXISTS (SELECT 1 FROM participant_tags t WHERE t.participant_id = e.participant_id)`,
          params: [],
          overlapping: true,
          note: 'a participant with several tags counts in each of their tag groups',
        };
      case 'theme':
        return {
          sql: `SELECT DISTINCT e.participant_id, th.code AS grp FROM e JOIN theme_evidence x ON x.participant_id = e.participant_id JOIN themes th ON th.id = x.theme_id
                UNION ALL SELECT e.participant_id, '(no theme)' FROM e WHERE NOT EXISTS (SELECT 1 FROM theme_evidence x WHERE x.participant_id = e.participant_id)`,
          params: [],
          overlapping: true,
          note: 'a participant with several themes counts in each of their theme groups',
        };
      case 'status':
        return { sql: `SELECT e.participant_id, i.status AS grp FROM e JOIN interviews i ON i.participant_id = e.participant_id`, params: [], overlapping: false };
      case 'segment': {
        if (context.segmentationId === null) throw new UserError('Grouping by "segment" needs a segmentation: run cluster_participants or segment_by_rules first, or pass segmentation_id.');
        const label = segmentLabelSql(context, 'm.segment_id');
        return {
          sql: `SELECT e.participant_id, ${label.sql} AS grp FROM e JOIN segment_members m ON m.participant_id = e.participant_id AND m.segmentation_id = ?`,
          params: [...label.params, context.segmentationId],
          overlapping: true,
          note: `segments of segmentation ${context.segmentationId} (participants outside it are left out)`,
        };
      }
      case 'answer': {
        const question = resolveQuestion(context, ref.key, by);
        const answer = 'FROM e LEFT JOIN answers a ON a.participant_id = e.participant_id AND a.question_id = ?';
        switch (question.type) {
          case 'single_choice':
            return { sql: `SELECT e.participant_id, COALESCE(a.value #>> '{}', '(no answer)') AS grp ${answer}`, params: [question.id], overlapping: false };
          case 'yes_no':
            return { sql: `SELECT e.participant_id, CASE (a.value)::float8 WHEN 1 THEN 'yes' WHEN 0 THEN 'no' ELSE '(no answer)' END AS grp ${answer}`, params: [question.id], overlapping: false };
          case 'scale':
            return { sql: `SELECT e.participant_id, COALESCE((a.value)::text, '(no answer)') AS grp ${answer}`, params: [question.id], overlapping: false };
          case 'ranking':
            return { sql: `SELECT e.participant_id, COALESCE(a.value ->> 0, '(no answer)') AS grp ${answer}`, params: [question.id], overlapping: false, note: `grouped by the option ranked first in "${question.key}"` };
          case 'multiple_choice':
            return {
              sql: `SELECT e.participant_id, j.v AS grp FROM e JOIN answers a ON a.participant_id = e.participant_id AND a.question_id = ?, jsonb_array_elements_text(a.value) AS j(v)
                    UNION ALL SELECT e.participant_id, '${NONE_OF_THESE}' FROM e JOIN answers a ON a.participant_id = e.participant_id AND a.question_id = ? WHERE a.value = '[]'::jsonb`,
              params: [question.id, question.id],
              overlapping: true,
              note: `a participant who chose several options counts in each of their option groups; an empty answer is "${NONE_OF_THESE}"`,
            };
          case 'open_ended':
            throw new UserError(`"by" cannot group by an open-ended question ("${question.key}"); group by a structured answer, an attribute, a tag or a theme.`);
        }
        break;
      }
      default:
        break;
    }
    throw new UserError(`"by" takes attr.<name>, answer.<key>, tag, theme or status; got "${by}". Attributes: ${listOf([...context.attributes.keys()])}.`);
  }

  private async questionStats(run: <R extends Record<string, unknown>>(text: string, params?: unknown[]) => Promise<R[]>, question: StoredQuestion, groupsSql: string, named: string[], total = false): Promise<Map<string, QuestionStats>> {
    const groups = total ? [...named, TOTAL] : named;
    const cte = `WITH g AS ${groupsSql}`;
    const join = 'FROM answers a JOIN g ON g.participant_id = a.participant_id WHERE a.question_id = ?';
    const addTotal = (counts: Counts) => (total ? withTotal(counts) : counts);
    const countsOf = (found: { grp: string; value: unknown; n: number }[]) => {
      const counts: Counts = new Map();
      for (const { grp, value, n } of found) {
        const byValue = counts.get(grp) ?? counts.set(grp, new Map()).get(grp)!;
        byValue.set(value, n);
      }
      return addTotal(counts);
    };
    if (question.type !== 'open_ended') {
      // Lists are counted by their JSON text, as SQLite stores them (structuredStats parses each once).
      const value = question.type === 'multiple_choice' || question.type === 'ranking' ? '(a.value)::text' : question.type === 'single_choice' ? "(a.value #>> '{}')" : '(a.value)::float8';
      return structuredStats(question, groups, countsOf(await run(`${cte} SELECT g.grp, ${value} AS value, count(*) AS n ${join} GROUP BY g.grp, ${value}`, [question.id])));
    }
    const respondents = countsOf((await run<{ grp: string; n: number }>(`${cte} SELECT g.grp, count(*) AS n ${join} GROUP BY g.grp`, [question.id])).map((r) => ({ ...r, value: null })));
    const texts = new Map<string, string[]>(groups.map((grp) => [grp, []]));
    const newest = await run<{ grp: string; text: string }>(
      `${cte} SELECT grp, text FROM (SELECT g.grp, a.value #>> '{}' AS text, a.participant_id, row_number() OVER (PARTITION BY g.grp ORDER BY a.participant_id DESC) AS r ${join}) x
        WHERE r <= ${TERM_SAMPLE} ORDER BY participant_id DESC`,
      [question.id],
    );
    for (const { grp, text } of newest) texts.get(grp)?.push(text);
    if (total) {
      const overall = await run<{ text: string }>(`${cte} SELECT a.value #>> '{}' AS text ${join} ORDER BY a.participant_id DESC LIMIT ${TERM_SAMPLE}`, [question.id]);
      texts.set(TOTAL, overall.map((r) => r.text));
    }
    const themes = await run<{ grp: string; code: string; participants: number }>(
      `${cte} SELECT g.grp, t.code, count(DISTINCT x.participant_id) AS participants FROM theme_evidence x JOIN themes t ON t.id = x.theme_id
         JOIN g ON g.participant_id = x.participant_id WHERE x.question_id = ? GROUP BY g.grp, t.id, t.code ORDER BY participants DESC, t.code COLLATE "C"`,
      [question.id],
    );
    return openEndedStats(groups, total, respondents, texts, themes);
  }
}
