/**
 * summarize_questions' SQL: the population and its groups in temp tables, answers counted per
 * group and stored value; domain/question-stats turns the counts into statistics.
 */
import { listOf, UserError } from '../errors.js';
import { parseField } from '../domain/fields.js';
import { NONE_OF_THESE } from '../domain/questions.js';
import { multipleChoiceStats, rankingStats, scaleStats, singleChoiceStats, yesNoStats, type QuestionStats, type QuestionSummary } from '../domain/question-stats.js';
import { quartileBins, topTerms } from '../domain/stats.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';
import { countPairs } from './tally.js';
import { attributePath, dateGroupSql, resolveAttribute, resolveQuestion, segmentLabelSql, type FieldCatalog } from './fields-sql.js';
import type { StoredQuestion } from './studies.js';
import { populationSql } from './population.js';
import { populationRule } from '../domain/population.js';
import { chooseDateUnit, largestGroups, MAX_DATE_GROUPS, MAX_GROUPS, type DateUnit, type DateUnitRequest } from '../domain/grouping.js';

export interface SummaryResult {
  population: { statuses: string[]; participants: number };
  by: { field: string; groups: { group: string; participants: number }[]; groups_total: number; overlapping: boolean; note?: string; date_unit?: DateUnit } | null;
  questions: QuestionSummary[];
  /** Questions asked for that were not summarized because `accept` turned one down. */
  stopped_at: number | null;
}

export interface SummaryOptions {
  questions?: string[] | undefined;
  by?: string | undefined;
  include_partial: boolean;
  /** How a date `by` is grouped (auto: the finest unit with at most MAX_DATE_GROUPS groups). */
  date_unit?: DateUnitRequest | undefined;
  /**
   * Called with each question's summary in order; returning false stops there (that question is
   * left out), so a caller filling a budget does not pay for questions it cannot show.
   */
  accept?: (summary: QuestionSummary) => boolean;
}

interface Grouping {
  /** SELECT participant_id, grp over the eligible participants `e`. */
  sql: string;
  params: unknown[];
  overlapping: boolean;
  note?: string;
  /** Date groupings sort by time and keep up to MAX_DATE_GROUPS groups. */
  date_unit?: DateUnit;
}

export const ALL = 'all';
/** The groups added up, when they split the population (no group can have this name). */
export const TOTAL = '\u0000total';
/** Temp tables holding one summary's population and groups (connection-local, dropped after use). */
const SCOPE = 'summary_scope';
const GROUPS = 'summary_groups';
/** Open-ended answers read per group for term counts; above this the terms come from a sample. */
export const TERM_SAMPLE = 1000;

export class SummaryStore {
  constructor(private readonly db: Db) {}

  summarize(studyId: number, context: FieldCatalog, options: SummaryOptions): SummaryResult {
    const all = [...context.questions.values()];
    const questions = options.questions !== undefined ? options.questions.map((key) => resolveQuestion(context, key, `questions`)) : all;
    // Answers are interview data: the interviewed count (domain/population.ts).
    const rule = populationRule(options.include_partial, true);
    const statuses = rule.statuses;

    // The population and its groups are computed once into indexed temp tables; every per-question
    // aggregate then reads the covering answers index and looks members up by participant id.
    this.db.exec(`DROP TABLE IF EXISTS temp.${SCOPE}; DROP TABLE IF EXISTS temp.${GROUPS};
      CREATE TEMP TABLE ${SCOPE} (participant_id INTEGER PRIMARY KEY);
      CREATE TEMP TABLE ${GROUPS} (participant_id INTEGER NOT NULL, grp TEXT NOT NULL);`);
    try {
      const counted = populationSql(studyId, rule);
      prepared(this.db, `INSERT INTO temp.${SCOPE} SELECT pid FROM (${counted.sql})`).run(...counted.params);
      // Group membership is materialized only when grouping; the overall pass reads the scope alone.
      const grouping = options.by ? this.grouping(options.by, context, options.date_unit ?? 'auto') : null;
      let fold: { other: string; groups: number } | null = null;
      if (grouping) {
        // Attributes are read from participants only when grouping needs them (not copied into the scope).
        prepared(this.db, `WITH e AS (SELECT s.participant_id, p.attributes FROM temp.${SCOPE} s JOIN participants p ON p.id = s.participant_id) INSERT INTO temp.${GROUPS} (participant_id, grp) ${grouping.sql}`).run(...grouping.params);
        fold = this.foldSmallGroups(grouping.date_unit ? MAX_DATE_GROUPS : MAX_GROUPS);
        this.db.exec(`CREATE INDEX temp.${GROUPS}_by_participant ON ${GROUPS} (participant_id, grp)`);
      }
      const folded = fold?.other ?? null;
      const sizes = grouping ? (prepared(this.db, `SELECT grp, COUNT(*) AS n FROM temp.${GROUPS} GROUP BY grp ORDER BY n DESC, grp`).all() as { grp: string; n: number }[]) : [];
      const groupSizes = orderGroups(sizes, folded, grouping?.date_unit);
      const population = (prepared(this.db, `SELECT COUNT(*) AS n FROM temp.${SCOPE}`).get() as { n: number }).n;
      const grouped = `(SELECT participant_id, grp FROM temp.${GROUPS})`;
      const everyone = `(SELECT participant_id, '${ALL}' AS grp FROM temp.${SCOPE})`;
      // When the groups split the population (each participant in exactly one, e.g. segments of a
      // complete segmentation), the overall figures are the groups' counts added up: one pass, not two.
      const partition =
        grouping !== null && groupSizes.reduce((sum, g) => sum + g.n, 0) === population &&
        (prepared(this.db, `SELECT COUNT(DISTINCT participant_id) AS n FROM temp.${GROUPS}`).get() as { n: number }).n === population;

      const summaries: QuestionSummary[] = [];
      let stoppedAt: number | null = null;
      for (const question of questions) {
        const perGroup = grouping ? this.questionStats(question, grouped, groupSizes.map((g) => g.grp), partition) : null;
        const overall = partition ? perGroup!.get(TOTAL)! : this.questionStats(question, everyone, [ALL]).get(ALL)!;
        const summary: QuestionSummary = { key: question.key, type: question.type, text: question.text, ...overall };
        if (perGroup) summary.groups = groupSizes.map((g) => ({ group: g.grp, ...perGroup.get(g.grp)! }));
        if (options.accept && !options.accept(summary)) {
          stoppedAt = summaries.length;
          break;
        }
        summaries.push(summary);
      }

      return {
        population: { statuses, participants: population },
        by: grouping ? groupingResult(options.by!, grouping, groupSizes, fold) : null,
        questions: summaries,
        stopped_at: stoppedAt,
      };
    } finally {
      this.db.exec(`DROP TABLE IF EXISTS temp.${SCOPE}; DROP TABLE IF EXISTS temp.${GROUPS};`);
    }
  }

  /**
   * Folds the groups beyond the `max − 1` largest into one "Other" group (a participant once, even
   * on an overlapping grouping). Returns its label and how many groups there were, or null when
   * nothing was folded.
   */
  private foldSmallGroups(max: number): { other: string; groups: number } | null {
    const sizes = new Map((prepared(this.db, `SELECT grp, COUNT(*) AS n FROM temp.${GROUPS} GROUP BY grp`).all() as { grp: string; n: number }[]).map((g) => [g.grp, g.n]));
    const fold = largestGroups(sizes, max);
    if (!fold) return null;
    this.db.exec(`CREATE TEMP TABLE ${GROUPS}_folded (participant_id INTEGER NOT NULL, grp TEXT NOT NULL)`);
    prepared(this.db, `INSERT INTO temp.${GROUPS}_folded SELECT DISTINCT participant_id, CASE WHEN grp IN (SELECT value FROM json_each(?)) THEN grp ELSE ? END FROM temp.${GROUPS}`).run(JSON.stringify([...fold.kept]), fold.other);
    this.db.exec(`DELETE FROM temp.${GROUPS}; INSERT INTO temp.${GROUPS} SELECT * FROM temp.${GROUPS}_folded; DROP TABLE temp.${GROUPS}_folded;`);
    return { other: fold.other, groups: sizes.size };
  }

  /** SQL selecting (participant_id, grp) from the population `e` (participant_id, attributes). */
  private grouping(by: string, context: FieldCatalog, dateUnit: DateUnitRequest): Grouping {
    const ref = parseField(by);
    switch (ref.kind) {
      case 'attr': {
        const type = resolveAttribute(context, ref.name, by);
        const path = attributePath(ref.name);
        if (type === 'number') {
          // Numbers are binned into quartiles so the groups stay few and comparable.
          const values = (prepared(this.db, `SELECT json_extract(p.attributes, ?) AS v FROM temp.${SCOPE} s JOIN participants p ON p.id = s.participant_id WHERE v IS NOT NULL ORDER BY v`)
            .all(path) as { v: number }[]).map((r) => r.v);
          const distinct = [...new Set(values)];
          if (distinct.length <= 6) {
            return { sql: `SELECT participant_id, COALESCE(CAST(json_extract(attributes, ?) AS TEXT), '(missing)') AS grp FROM e`, params: [path], overlapping: false };
          }
          const { cuts, labels } = quartileBins(values);
          return {
            sql: `SELECT participant_id, CASE WHEN v IS NULL THEN '(missing)' WHEN v <= ? THEN ? WHEN v <= ? THEN ? WHEN v <= ? THEN ? ELSE ? END AS grp
                    FROM (SELECT participant_id, json_extract(attributes, ?) AS v FROM e)`,
            params: [cuts[0], labels[0], cuts[1], labels[1], cuts[2], labels[2], labels[3], path],
            overlapping: false,
            note: `attr.${ref.name} is numeric: grouped into quartiles`,
          };
        }
        if (type === 'date') {
          const span = prepared(this.db, `SELECT min(v) AS first, max(v) AS last FROM (SELECT json_extract(p.attributes, ?) AS v FROM temp.${SCOPE} s JOIN participants p ON p.id = s.participant_id)`).get(path) as { first: string | null; last: string | null };
          const unit = chooseDateUnit(span.first, span.last, dateUnit);
          return { sql: `SELECT participant_id, COALESCE(${dateGroupSql('d', unit)}, '(missing)') AS grp FROM (SELECT participant_id, json_extract(attributes, ?) AS d FROM e)`, params: [path], overlapping: false, note: `attr.${ref.name} is a date: grouped by ${unit}`, date_unit: unit };
        }
        if (type === 'boolean') {
          return { sql: `SELECT participant_id, CASE json_extract(attributes, ?) WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE '(missing)' END AS grp FROM e`, params: [path], overlapping: false };
        }
        return { sql: `SELECT participant_id, COALESCE(json_extract(attributes, ?), '(missing)') AS grp FROM e`, params: [path], overlapping: false };
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
            return { sql: `SELECT e.participant_id, COALESCE(a.value, '(no answer)') AS grp ${answer}`, params: [question.id], overlapping: false };
          case 'yes_no':
            return { sql: `SELECT e.participant_id, CASE a.value WHEN 1 THEN 'yes' WHEN 0 THEN 'no' ELSE '(no answer)' END AS grp ${answer}`, params: [question.id], overlapping: false };
          case 'scale':
            return { sql: `SELECT e.participant_id, COALESCE(CAST(a.value AS TEXT), '(no answer)') AS grp ${answer}`, params: [question.id], overlapping: false };
          case 'ranking':
            return {
              sql: `SELECT e.participant_id, COALESCE(json_extract(a.value, '$[0]'), '(no answer)') AS grp ${answer}`,
              params: [question.id],
              overlapping: false,
              note: `grouped by the option ranked first in "${question.key}"`,
            };
          case 'multiple_choice':
            return {
              sql: `SELECT e.participant_id, j.value AS grp FROM e JOIN answers a ON a.participant_id = e.participant_id AND a.question_id = ?, json_each(a.value) j
                    UNION ALL SELECT e.participant_id, '${NONE_OF_THESE}' FROM e JOIN answers a ON a.participant_id = e.participant_id AND a.question_id = ? WHERE a.value = '[]'`,
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

  /**
   * Statistics of one question for every group at once; `groupsSql` selects (participant_id, grp).
   * With `total` (the groups split the population) the result also holds the groups added up, as TOTAL.
   */
  private questionStats(question: StoredQuestion, groupsSql: string, named: string[], total = false): Map<string, QuestionStats> {
    const groups = total ? [...named, TOTAL] : named;
    const cte = `WITH g AS ${groupsSql}`;
    const join = `FROM answers a JOIN g ON g.participant_id = a.participant_id WHERE a.question_id = ?`;
    const addTotal = (counts: Counts) => (total ? withTotal(counts) : counts);
    // Answers counted per group and stored value (a number, an option, or a JSON list: few distinct).
    const counted = () => addTotal(countPairs(this.db, `${cte} SELECT count(tally(g.grp, a.value)) ${join}`, [question.id]));

    if (question.type !== 'open_ended') return structuredStats(question, groups, counted());
    const respondents = addTotal(countPairs(this.db, `${cte} SELECT count(tally(g.grp, NULL)) ${join}`, [question.id]));
    // Terms come from each group's TERM_SAMPLE most recently added respondents: read newest first in
    // index order, and stop once every group has its sample.
    const texts = new Map<string, string[]>(groups.map((grp) => [grp, []]));
    let open = groups.length;
    for (const [grp, value] of prepared(this.db, `${cte} SELECT g.grp, a.value ${join} ORDER BY a.participant_id DESC`)
      .raw()
      .iterate(question.id) as IterableIterator<[string, string]>) {
      for (const key of total ? [grp, TOTAL] : [grp]) {
        const sample = texts.get(key);
        if (sample === undefined || sample.length >= TERM_SAMPLE) continue;
        sample.push(value);
        if (sample.length === TERM_SAMPLE) open--;
      }
      if (open === 0) break;
    }
    const themes = prepared(this.db, 
        `${cte} SELECT g.grp, t.code, COUNT(DISTINCT x.participant_id) AS participants FROM theme_evidence x JOIN themes t ON t.id = x.theme_id
           JOIN g ON g.participant_id = x.participant_id WHERE x.question_id = ? GROUP BY g.grp, t.id ORDER BY participants DESC, t.code`,
      )
      .all(question.id) as { grp: string; code: string; participants: number }[];
    return openEndedStats(groups, total, respondents, texts, themes);
  }
}

/** Counts per group, then per stored value (a number, an option, or a list as JSON text). */
export type Counts = Map<unknown, Map<unknown, number>>;

/** `counts` with the groups added up as TOTAL (they split the population). */
/** A summary's groups: dates in time order, other groupings largest first (as read: by size, then name); "Other" last. */
export function orderGroups(sizes: { grp: string; n: number }[], folded: string | null, dateUnit: DateUnit | undefined): { grp: string; n: number }[] {
  const ordered = [...sizes.filter((g) => g.grp !== folded), ...sizes.filter((g) => g.grp === folded)];
  if (dateUnit) ordered.sort((a, b) => (a.grp === folded ? 1 : b.grp === folded ? -1 : a.grp < b.grp ? -1 : a.grp > b.grp ? 1 : 0));
  return ordered;
}

/** The `by` part of a summary, with how many groups there were before folding and why the groups are what they are. */
export function groupingResult(field: string, grouping: { overlapping: boolean; note?: string; date_unit?: DateUnit }, groupSizes: { grp: string; n: number }[], fold: { other: string; groups: number } | null): NonNullable<SummaryResult['by']> {
  const groupsTotal = fold?.groups ?? groupSizes.length;
  const notes = [grouping.note, fold ? `the ${groupSizes.length - 1} largest of ${groupsTotal} groups, the rest in "${fold.other}"` : null].filter((n): n is string => !!n);
  return {
    field,
    groups: groupSizes.map((g) => ({ group: g.grp, participants: g.n })),
    groups_total: groupsTotal,
    overlapping: grouping.overlapping,
    ...(notes.length ? { note: notes.join('; ') } : {}),
    ...(grouping.date_unit ? { date_unit: grouping.date_unit } : {}),
  };
}

export function withTotal(counts: Counts): Counts {
  const sum = new Map<unknown, number>();
  for (const byValue of counts.values()) for (const [value, n] of byValue) sum.set(value, (sum.get(value) ?? 0) + n);
  return counts.set(TOTAL, sum);
}

const entriesOf = <V>(counts: Counts, grp: string) => [...(counts.get(grp) ?? new Map<unknown, number>())] as [V, number][];

/** A structured question's statistics per group from its counted answers (either engine). */
export function structuredStats(question: StoredQuestion, groups: string[], counts: Counts): Map<string, QuestionStats> {
  const result = new Map<string, QuestionStats>();
  switch (question.type) {
    case 'scale':
      for (const grp of groups) result.set(grp, scaleStats(entriesOf<number>(counts, grp), { min: question.scale_min!, max: question.scale_max! }));
      break;
    case 'single_choice':
      for (const grp of groups) result.set(grp, singleChoiceStats(question.options!, new Map(entriesOf<string>(counts, grp))));
      break;
    // Counted by the whole stored list (few distinct combinations), each parsed once.
    case 'multiple_choice':
    case 'ranking': {
      const parsed = new Map<string, string[]>();
      const lists = (grp: string) => entriesOf<string>(counts, grp).map(([stored, n]): [string[], number] => [parsed.get(stored) ?? parsed.set(stored, JSON.parse(stored) as string[]).get(stored)!, n]);
      const stats = question.type === 'ranking' ? rankingStats : multipleChoiceStats;
      for (const grp of groups) result.set(grp, stats(question.options!, lists(grp)));
      break;
    }
    case 'yes_no':
      for (const grp of groups) {
        const byValue = new Map(entriesOf<number>(counts, grp));
        result.set(grp, yesNoStats(byValue.get(1) ?? 0, byValue.get(0) ?? 0));
      }
      break;
  }
  return result;
}

/** An open question's statistics per group: respondents, terms of the sampled texts, themes (either engine). */
export function openEndedStats(groups: string[], total: boolean, respondents: Counts, texts: Map<string, string[]>, themes: { grp: string; code: string; participants: number }[]): Map<string, QuestionStats> {
  if (total) {
    // Disjoint groups: a theme's participants overall are its participants per group added up.
    const overall = new Map<string, number>();
    for (const t of themes) overall.set(t.code, (overall.get(t.code) ?? 0) + t.participants);
    const ranked = [...overall].map(([code, participants]) => ({ grp: TOTAL, code, participants }));
    themes.push(...ranked.sort((a, b) => b.participants - a.participants || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)));
  }
  const result = new Map<string, QuestionStats>();
  for (const grp of groups) {
    result.set(grp, {
      n: respondents.get(grp)?.get(null) ?? 0,
      top_terms: topTerms(texts.get(grp)!, 10),
      themes: themes.filter((t) => t.grp === grp).slice(0, 10).map(({ code, participants }) => ({ code, participants })),
    });
  }
  return result;
}
