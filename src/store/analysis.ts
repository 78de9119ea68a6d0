/**
 * Reads fields as categories (for crosstabs) or as numbers (for driver analysis). Each side of a
 * crosstab is a SELECT of (pid, cat) pairs, so the table itself is one grouped join in SQL.
 */
import { listOf, UserError } from '../errors.js';
import { parseField } from '../domain/fields.js';
import { quartileBins } from '../domain/stats.js';
import { decimal } from '../domain/format.js';
import { NONE_OF_THESE } from '../domain/questions.js';
import type { Db } from './db.js';
import { IdNumbers } from '../domain/id-numbers.js';
import { prepared } from './statements.js';
import { answerColumns, readColumns } from './columns.js';
import { countPairs } from './tally.js';
import type { ScaleBins } from '../domain/crosstab.js';
import type { PopulationRule } from '../domain/population.js';
import { populationIds } from './population.js';
import { chooseDateUnit, MAX_DATE_GROUPS, type DateUnit, type DateUnitRequest } from '../domain/grouping.js';
import { attributePath, dateGroupSql, resolveAttribute, resolveQuestion, segmentLabelSql, type FieldCatalog } from './fields-sql.js';

/** Participants whose number attributes one read takes. */
const NUMBERS_CHUNK = 8192;

export interface CategorySide {
  field: string;
  /** SELECT pid, cat — one row per participant and category. */
  sql: string;
  params: unknown[];
  /** A participant can fall in several categories (multiple choice, tags, themes, overlapping segments). */
  multi: boolean;
  /** Preferred category order (options, scale order); others follow by count. */
  order: string[] | null;
  note: string | null;
  /** For a date attribute: the unit its categories are. */
  date_unit?: DateUnit;
}

export interface NumericColumn {
  /** Driver name: the field, or field = option for expanded choices and themes. */
  name: string;
  field: string;
  values: IdNumbers;
}

export class AnalysisStore {
  constructor(private readonly db: Db) {}

  /** @param dates how a date attribute is grouped: the unit asked for (or auto) and the most groups auto may make */
  categories(studyId: number, field: string, context: FieldCatalog, bins: ScaleBins = 'auto', dates: { unit: DateUnitRequest; maxGroups: number } = { unit: 'auto', maxGroups: MAX_DATE_GROUPS }): CategorySide {
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
            return { ...base, sql: `SELECT a.participant_id AS pid, CASE WHEN EXISTS (SELECT 1 FROM json_each(a.value) j WHERE j.value = ?) THEN 'chosen' ELSE 'not chosen' END AS cat ${from}`, params: [option, q.id], order: ['chosen', 'not chosen'] };
          }
          if (q.type === 'ranking') {
            const ranks = (q.options ?? []).map((_, i) => String(i + 1));
            return {
              ...base,
              sql: `SELECT a.participant_id AS pid, COALESCE((SELECT CAST(j.key + 1 AS TEXT) FROM json_each(a.value) j WHERE j.value = ?), 'unranked') AS cat ${from}`,
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
            return { ...base, sql: `SELECT a.participant_id AS pid, a.value AS cat ${from}`, params: [q.id], order: q.options };
          case 'yes_no':
            return { ...base, sql: `SELECT a.participant_id AS pid, CASE a.value WHEN 1 THEN 'yes' ELSE 'no' END AS cat ${from}`, params: [q.id], order: ['yes', 'no'] };
          case 'multiple_choice':
            // [] ("none of these") is an answer: its own category, so those respondents count in every share.
            return {
              ...base,
              sql: `SELECT a.participant_id AS pid, j.value AS cat FROM answers a, json_each(a.value) j WHERE a.question_id = ? UNION ALL SELECT participant_id, '${NONE_OF_THESE}' FROM answers WHERE question_id = ? AND value = '[]'`,
              params: [q.id, q.id],
              multi: true,
              order: [...(q.options ?? []), NONE_OF_THESE],
              note: 'multiple choice: one category per option chosen (and "(none of these)" for an empty answer); tested per option',
            };
          case 'ranking':
            return { ...base, sql: `SELECT a.participant_id AS pid, json_extract(a.value, '$[0]') AS cat ${from}`, params: [q.id], order: q.options, note: `ranking: grouped by first choice (answer.${q.key}:<option> gives one option's rank)` };
          case 'scale': {
            const min = q.scale_min!;
            const max = q.scale_max!;
            const points = max - min + 1;
            const chosen = bins === 'auto' ? (points <= 7 ? 'values' : min === 0 && max === 10 ? 'nps' : 'thirds') : bins;
            if (chosen === 'values') {
              const order = Number.isInteger(min) && Number.isInteger(max) && points <= 101 ? Array.from({ length: points }, (_, i) => String(min + i)) : null;
              return { ...base, sql: `SELECT a.participant_id AS pid, CAST(a.value AS TEXT) AS cat ${from}`, params: [q.id], order };
            }
            if (chosen === 'nps') {
              if (min !== 0 || max !== 10) throw new UserError(`"${field}": bins "nps" needs a 0–10 scale; this one is ${min}–${max}.`);
              return { ...base, sql: `SELECT a.participant_id AS pid, CASE WHEN a.value >= 9 THEN 'promoter (9–10)' WHEN a.value >= 7 THEN 'passive (7–8)' ELSE 'detractor (0–6)' END AS cat ${from}`, params: [q.id], order: ['detractor (0–6)', 'passive (7–8)', 'promoter (9–10)'], note: 'binned as NPS groups' };
            }
            if (chosen === 'top2') {
              const label = `top 2 (${max - 1}–${max})`;
              return { ...base, sql: `SELECT a.participant_id AS pid, CASE WHEN a.value >= ? THEN ? ELSE 'rest' END AS cat ${from}`, params: [max - 1, label, q.id], order: [label, 'rest'], note: 'binned as top-2 box vs the rest' };
            }
            const step = (max - min) / 3;
            const cut1 = min + step;
            const cut2 = min + 2 * step;
            // Integer scales get integer ranges (1–4, 5–7, 8–10); others the cut points.
            const whole = Number.isInteger(min) && Number.isInteger(max);
            const labels = whole
              ? [`low (${min}–${Math.floor(cut1)})`, `mid (${Math.floor(cut1) + 1}–${Math.floor(cut2)})`, `high (${Math.floor(cut2) + 1}–${max})`]
              : [`low (≤ ${decimal(cut1, 1)})`, `mid (${decimal(cut1, 1)}–${decimal(cut2, 1)})`, `high (> ${decimal(cut2, 1)})`];
            return {
              ...base,
              sql: `SELECT a.participant_id AS pid, CASE WHEN a.value <= ? THEN ? WHEN a.value <= ? THEN ? ELSE ? END AS cat ${from}`,
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
        const path = attributePath(ref.name);
        const from = `FROM participants p WHERE ${inStudy} AND json_extract(p.attributes, ?) IS NOT NULL`;
        if (type === 'number') {
          const values = (prepared(this.db, `SELECT json_extract(p.attributes, ?) AS v ${from} ORDER BY v`).all(path, studyId, path) as { v: number }[]).map((r) => r.v);
          const distinct = [...new Set(values)];
          if (distinct.length <= 6) {
            return { ...base, sql: `SELECT p.id AS pid, CAST(json_extract(p.attributes, ?) AS TEXT) AS cat ${from}`, params: [path, studyId, path], order: distinct.map(String) };
          }
          const { cuts, labels } = quartileBins(values);
          return {
            ...base,
            sql: `SELECT pid, CASE WHEN v <= ? THEN ? WHEN v <= ? THEN ? WHEN v <= ? THEN ? ELSE ? END AS cat FROM (SELECT p.id AS pid, json_extract(p.attributes, ?) AS v ${from})`,
            params: [cuts[0], labels[0], cuts[1], labels[1], cuts[2], labels[2], labels[3], path, studyId, path],
            order: [...new Set(labels)],
            note: `${field} is numeric: binned into quartiles`,
          };
        }
        if (type === 'date') {
          const span = prepared(this.db, `SELECT min(json_extract(p.attributes, ?)) AS first, max(json_extract(p.attributes, ?)) AS last FROM participants p WHERE ${inStudy}`).get(path, path, studyId) as { first: string | null; last: string | null };
          const unit = chooseDateUnit(span.first, span.last, dates.unit, dates.maxGroups);
          return {
            ...base,
            sql: `SELECT pid, ${dateGroupSql('d', unit)} AS cat FROM (SELECT p.id AS pid, json_extract(p.attributes, ?) AS d ${from})`,
            params: [path, studyId, path],
            note: `${field} is a date: grouped by ${unit}`,
            date_unit: unit,
          };
        }
        const expr = type === 'boolean' ? `CASE json_extract(p.attributes, ?) WHEN 1 THEN 'true' ELSE 'false' END` : `CAST(json_extract(p.attributes, ?) AS TEXT)`;
        return { ...base, sql: `SELECT p.id AS pid, ${expr} AS cat ${from}`, params: [path, studyId, path], order: type === 'boolean' ? ['true', 'false'] : null };
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
        const overlapping = (prepared(this.db, 'SELECT overlapping FROM segmentations WHERE id = ?').get(context.segmentationId) as { overlapping: number }).overlapping === 1;
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

  /** Counts per (row category, column category) over the counted participants (`counted`: SELECT pid) on both sides. */
  crosstab(rows: CategorySide, columns: CategorySide, counted: { sql: string; params: unknown[] }): { r: string; c: string; n: number }[] {
    const counts = countPairs(
      this.db,
      `WITH r AS (${rows.sql}), c AS (${columns.sql}), k AS (${counted.sql}) SELECT count(tally(r.cat, c.cat)) FROM r JOIN c ON c.pid = r.pid WHERE r.pid IN (SELECT pid FROM k)`,
      [...rows.params, ...columns.params, ...counted.params],
    );
    // A NULL category means no value on that side: not in the table.
    return [...counts].flatMap(([r, byColumn]) => (r === null ? [] : [...byColumn].filter(([c]) => c !== null).map(([c, n]) => ({ r: String(r), c: String(c), n }))));
  }

  /** Participants on both sides per category of `by` (for per-option tests of a multi-valued side). */
  respondents(multiSide: CategorySide, by: CategorySide, counted: { sql: string; params: unknown[] }): { cat: string; n: number }[] {
    return prepared(this.db, `WITH m AS (${multiSide.sql}), b AS (${by.sql}), k AS (${counted.sql}) SELECT b.cat AS cat, COUNT(DISTINCT b.pid) AS n FROM b WHERE b.pid IN (SELECT pid FROM m) AND b.pid IN (SELECT pid FROM k) GROUP BY b.cat`)
      .all(...multiSide.params, ...by.params, ...counted.params) as { cat: string; n: number }[];
  }

  /** numeric() of several fields; number and boolean attributes are read in one pass over participants. */
  numericColumns(studyId: number, fields: string[], context: FieldCatalog): NumericColumn[] {
    const attributes = fields.filter((field) => {
      const ref = parseField(field);
      return ref.kind === 'attr' && ['number', 'boolean'].includes(resolveAttribute(context, ref.name, field));
    });
    const read = this.attributeNumbers(studyId, attributes.map((field) => (parseField(field) as { name: string }).name));
    return fields.flatMap((field) => {
      const at = attributes.indexOf(field);
      return at >= 0 ? [{ name: field, field, values: read[at]! }] : this.numeric(studyId, field, context);
    });
  }

  /**
   * Number and boolean (1/0) attributes per participant, in one pass over the study a chunk of
   * participants at a time (in the order of the study's external-id index, as one read gives them:
   * never a whole column as JSON); other values are left out.
   */
  private attributeNumbers(studyId: number, names: string[]): IdNumbers[] {
    if (names.length === 0) return [];
    const select = `SELECT max(external_id), json_group_array(id), ${names.map(() => 'json_group_array(attributes ->> ?)').join(', ')}`;
    const read = (after: string | null) => {
      const sql = `${select} FROM (SELECT id, external_id, attributes FROM participants WHERE study_id = ?${after === null ? '' : ' AND external_id > ?'} ORDER BY external_id LIMIT ${NUMBERS_CHUNK})`;
      return prepared(this.db, sql).raw().get(...names.map(attributePath), studyId, ...(after === null ? [] : [after])) as (string | null)[];
    };
    // Typed columns sized by the study's count (grown if participants arrive while reading): no
    // per-value boxing or array growth, and the columns every participant has share one ids array.
    let capacity = Math.max(1, prepared(this.db, 'SELECT count(*) FROM participants WHERE study_id = ?').pluck().get(studyId) as number);
    let everyone = new Float64Array(capacity);
    let rows = 0;
    const values = names.map(() => new Float64Array(capacity));
    const counts = names.map(() => 0);
    // A column's own ids, from its first participant without a number (null: every row so far has one).
    const ownIds = names.map((): Float64Array | null => null);
    const grown = (array: Float64Array, size: number) => {
      const bigger = new Float64Array(size);
      bigger.set(array);
      return bigger;
    };
    for (let after: string | null = null, last: string | null = null; ; after = last) {
      const [lastId, ids, ...columns] = read(after);
      if (lastId === null) break;
      last = lastId!;
      const chunkIds = JSON.parse(ids!) as number[];
      if (rows + chunkIds.length > capacity) {
        capacity = Math.max(2 * capacity, rows + chunkIds.length);
        everyone = grown(everyone, capacity);
        names.forEach((_, c) => {
          values[c] = grown(values[c]!, capacity);
          if (ownIds[c]) ownIds[c] = grown(ownIds[c]!, capacity);
        });
      }
      for (let i = 0; i < chunkIds.length; i++) everyone[rows + i] = chunkIds[i]!;
      columns.forEach((column, c) => {
        const parsed = JSON.parse(column!) as unknown[];
        const into = values[c]!;
        let n = counts[c]!;
        for (let i = 0; i < parsed.length; i++) {
          const v = parsed[i];
          if (typeof v !== 'number') {
            if (ownIds[c] === null) ownIds[c] = everyone.slice(0, capacity).fill(0, n);
            continue;
          }
          if (ownIds[c]) ownIds[c]![n] = chunkIds[i]!;
          into[n++] = v;
        }
        counts[c] = n;
      });
      rows += chunkIds.length;
    }
    const all = everyone.subarray(0, rows);
    return names.map((_, c) => new IdNumbers(ownIds[c]?.subarray(0, counts[c]) ?? all, values[c]!.subarray(0, counts[c])));
  }

  /** Numbers per participant for driver analysis; choices and themes expand into 0/1 columns. */
  numeric(studyId: number, field: string, context: FieldCatalog): NumericColumn[] {
    const ref = parseField(field);
    // `sql` selects (pid, v).
    const read = (sql: string, params: unknown[]) => {
      const [pids, vs] = readColumns<[number, number]>(this.db, `SELECT json_group_array(pid), json_group_array(v) FROM (${sql})`, params);
      return new IdNumbers(pids, vs);
    };
    const answersOf = (questionId: number) => {
      const [pids, stored] = answerColumns<string>(this.db, questionId);
      return { pids, stored };
    };
    if (ref.kind === 'answer') {
      const q = resolveQuestion(context, ref.key, field);
      if (q.type === 'open_ended') throw new UserError(`"${field}" is open-ended: use its coded themes (field "theme") as drivers.`);
      if (q.type === 'scale' || q.type === 'yes_no') {
        if (ref.option !== null) throw new UserError(`"${field}": the :option form applies to ranking and multiple_choice questions.`);
        const [pids, values] = answerColumns<number>(this.db, q.id);
        return [{ name: field, field, values: new IdNumbers(pids, values) }];
      }
      // Choices and rankings are read once and expanded per option here (one pass, not one query per option).
      const answers = answersOf(q.id);
      const lists = new Map<string, string[]>();
      const parsed = (stored: string) => lists.get(stored) ?? lists.set(stored, JSON.parse(stored) as string[]).get(stored)!;
      const column = (name: string, valueOf: (stored: string) => number): NumericColumn => {
        return { name, field, values: new IdNumbers(answers.pids, answers.stored.map(valueOf)) };
      };
      // Rank points (m − rank + 1, unranked 0): higher = more important, so correlations read naturally.
      const rankPoints = (option: string) => (stored: string) => {
        const at = parsed(stored).indexOf(option);
        return at < 0 ? 0 : q.options!.length - at;
      };
      const chose = (option: string) => (stored: string) => (parsed(stored).includes(option) ? 1 : 0);
      if (ref.option !== null) {
        const option = q.options?.find((o) => o.toLowerCase() === ref.option!.toLowerCase());
        if (!option) throw new UserError(`"${field}": "${ref.option}" is not an option of "${q.key}"; options: ${listOf(q.options ?? [])}.`);
        if (q.type === 'ranking') return [column(field, rankPoints(option))];
        if (q.type === 'multiple_choice') return [column(field, chose(option))];
        throw new UserError(`"${field}": the :option form applies to ranking and multiple_choice questions.`);
      }
      switch (q.type) {
        case 'single_choice': {
          // One 0/1 column per option but the least chosen, the reference level (all of them would be collinear).
          const counts = new Map<string, number>();
          for (const o of answers.stored) counts.set(o, (counts.get(o) ?? 0) + 1);
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
      const path = attributePath(ref.name);
      if (type === 'number' || type === 'boolean') return [{ name: field, field, values: this.attributeNumbers(studyId, [ref.name])[0]! }];
      if (type === 'date') return [{ name: field, field, values: read(`SELECT id AS pid, julianday(json_extract(attributes, ?)) - 2440587.5 AS v FROM participants WHERE study_id = ? AND json_extract(attributes, ?) IS NOT NULL`, [path, studyId, path]) }];
      throw new UserError(`"${field}" is a ${type} attribute; drivers and outcomes must be numbers, yes/no, dates or answers (crosstab compares categories).`);
    }
    if (ref.kind === 'theme') {
      const codes = (prepared(this.db, 'SELECT id, code FROM themes WHERE study_id = ? ORDER BY code').all(studyId) as { id: number; code: string }[]);
      if (codes.length === 0) throw new UserError('The study has no coded themes yet (code_themes).');
      return codes.map((t) => ({
        name: `theme = ${t.code}`,
        field: 'theme',
        values: read(
          `SELECT i.participant_id AS pid, EXISTS (SELECT 1 FROM theme_evidence e WHERE e.participant_id = i.participant_id AND e.theme_id = ?) AS v
             FROM interviews i JOIN participants p ON p.id = i.participant_id WHERE p.study_id = ?`,
          [t.id, studyId],
        ),
      }));
    }
    throw new UserError(`"${field}" cannot be a driver or outcome; use answer.<key>, attr.<name> or theme.`);
  }

  /** The internal ids of the participants the population rule counts. */
  counted(studyId: number, rule: PopulationRule): Set<number> {
    return populationIds(this.db, studyId, rule);
  }

  /** Internal ids → external ids, for citing participants. */
  externalIds(studyId: number): Map<number, string> {
    return new Map((prepared(this.db, 'SELECT id, external_id FROM participants WHERE study_id = ?').all(studyId) as { id: number; external_id: string }[]).map((r) => [r.id, r.external_id]));
  }
}
