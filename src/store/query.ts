/**
 * Compiles `where` conditions over participants into SQL. Every value is a bound parameter;
 * field names are resolved against the study's questions and attribute catalogue first, so
 * an unknown field or option is a clear error, never a silently empty result.
 */
import { listOf, UserError } from '../errors.js';
import type { AttributeType, AttributeValue } from '../domain/attributes.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { parseField, toFtsQuery, type FieldRef, type Operator } from '../domain/fields.js';
import type { AnswerValue } from '../domain/questions.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';
import { fromStored } from './interviews.js';
import type { StoredQuestion, StudyStore } from './studies.js';

export type ConditionValue = string | number | boolean | (string | number)[];
export interface Condition {
  field: string;
  op: Operator;
  value?: ConditionValue | undefined;
}

interface Sql {
  sql: string;
  params: unknown[];
}

export interface QueryRow {
  participant_id: string;
  name: string | null;
  email: string | null;
  tags: string[];
  status: string;
  values: Record<string, AttributeValue | AnswerValue | null>;
  snippets: { source: string; text: string }[];
}

export interface QueryPage {
  total: number;
  participants: QueryRow[];
  next_cursor: string | null;
}

const STATUS_VALUES = ['completed', 'partial', 'not_interviewed'];

/** Context a field is resolved in: the study's questions and attribute types. */
export interface FieldContext {
  questions: Map<string, StoredQuestion>;
  attributes: Map<string, AttributeType>;
  /** The segmentation the `segment` field refers to: the given one, else the study's latest. */
  segmentationId: number | null;
  /** That segmentation's segment labels (name, else "Segment <n>") by segment number. */
  segmentLabels: Map<number, string>;
}

function needSegmentation(context: FieldContext): number {
  if (context.segmentationId === null) throw new UserError('The field "segment" needs a segmentation: run cluster_participants or segment_by_rules first, or pass segmentation_id.');
  return context.segmentationId;
}

/**
 * SQL for a segment's label from a segment number column. The labels are inlined as a CASE
 * because joining \`segments\` per member reads its wide rows (profiles) 100,000 times.
 */
export function segmentLabel(context: FieldContext, column: string): Sql {
  const labels = [...context.segmentLabels];
  if (labels.length === 0) return { sql: 'NULL', params: [] };
  return { sql: `CASE ${column} ${labels.map(() => 'WHEN ? THEN ?').join(' ')} END`, params: labels.flat() };
}

export function attributePath(name: string): string {
  return `$."${name.replace(/"/g, '\\"')}"`;
}

function allowed(field: string, op: Operator, ops: Operator[]): void {
  if (!ops.includes(op)) throw new UserError(`Condition on "${field}": op "${op}" does not apply here; allowed: ${listOf(ops)}.`);
}

function needValue(field: string, op: Operator, value: ConditionValue | undefined): ConditionValue {
  if (value === undefined || value === null) throw new UserError(`Condition on "${field}" with op "${op}" needs a value.`);
  if (op === 'in' && !Array.isArray(value)) throw new UserError(`Condition on "${field}" with op "in" needs a list of values.`);
  if (op !== 'in' && Array.isArray(value)) throw new UserError(`Condition on "${field}": a list of values goes with op "in", not "${op}".`);
  return value;
}

function asNumber(field: string, value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new UserError(`Condition on "${field}": ${JSON.stringify(value)} is not a number.`);
  return n;
}

function asBoolean(field: string, value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  const folded = String(value).trim().toLowerCase();
  if (['true', 'yes', 'y', '1'].includes(folded)) return 1;
  if (['false', 'no', 'n', '0'].includes(folded)) return 0;
  throw new UserError(`Condition on "${field}": ${JSON.stringify(value)} is not true/false or yes/no.`);
}

/** `expr op value` for numbers, booleans and dates (compared as ISO text). */
function compare(field: string, expr: Sql, op: Operator, value: ConditionValue | undefined, convert: (v: unknown) => unknown): Sql {
  if (op === 'exists') return existence(expr, value);
  const v = needValue(field, op, value);
  const sqlOp = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' }[op as 'eq'];
  if (op === 'in') {
    const list = (v as unknown[]).map(convert);
    return { sql: `${expr.sql} IN (${list.map(() => '?').join(', ')})`, params: [...expr.params, ...list] };
  }
  if (op === 'neq') return { sql: `(${expr.sql} IS NULL OR ${expr.sql} <> ?)`, params: [...expr.params, ...expr.params, convert(v)] };
  return { sql: `${expr.sql} ${sqlOp} ?`, params: [...expr.params, convert(v)] };
}

/** Case-insensitive text comparison. */
function compareText(field: string, expr: Sql, op: Operator, value: ConditionValue | undefined): Sql {
  if (op === 'exists') return existence(expr, value);
  const v = needValue(field, op, value);
  if (op === 'in') {
    const list = (v as unknown[]).map((x) => String(x).toLowerCase());
    return { sql: `lower(${expr.sql}) IN (${list.map(() => '?').join(', ')})`, params: [...expr.params, ...list] };
  }
  const text = String(v).toLowerCase();
  if (op === 'contains') return { sql: `instr(lower(${expr.sql}), ?) > 0`, params: [...expr.params, text] };
  if (op === 'eq') return { sql: `lower(${expr.sql}) = ?`, params: [...expr.params, text] };
  return { sql: `(${expr.sql} IS NULL OR lower(${expr.sql}) <> ?)`, params: [...expr.params, ...expr.params, text] };
}

function existence(expr: Sql, value: ConditionValue | undefined): Sql {
  const wanted = value === undefined ? true : value === false || String(value).toLowerCase() === 'false' ? false : true;
  return { sql: `${expr.sql} IS ${wanted ? 'NOT ' : ''}NULL`, params: expr.params };
}

function canonicalOption(question: StoredQuestion, value: unknown, field: string): string {
  const folded = String(value).trim().toLowerCase();
  const option = question.options?.find((o) => o.toLowerCase() === folded);
  if (option === undefined) {
    throw new UserError(`Condition on "${field}": ${JSON.stringify(value)} is not an option of "${question.key}"; options: ${listOf(question.options ?? [])}.`);
  }
  return option;
}

export function resolveQuestion(context: FieldContext, key: string, field: string): StoredQuestion {
  const question = context.questions.get(key);
  if (!question) throw new UserError(`Unknown question key "${key}" in "${field}". Question keys: ${listOf([...context.questions.keys()])}.`);
  return question;
}

export function resolveAttribute(context: FieldContext, name: string, field: string): AttributeType {
  const type = context.attributes.get(name);
  if (!type) throw new UserError(`Unknown attribute "${name}" in "${field}". Attributes: ${listOf([...context.attributes.keys()])}.`);
  return type;
}

/** SQL expression for a field's value per participant `p` (for attributes, answers and plain columns). */
export function valueExpression(ref: FieldRef, context: FieldContext, field: string): Sql | null {
  switch (ref.kind) {
    case 'attr':
      resolveAttribute(context, ref.name, field);
      return { sql: 'json_extract(p.attributes, ?)', params: [attributePath(ref.name)] };
    case 'answer': {
      const question = resolveQuestion(context, ref.key, field);
      if (ref.option === null) {
        return { sql: '(SELECT a.value FROM answers a WHERE a.participant_id = p.id AND a.question_id = ?)', params: [question.id] };
      }
      const option = canonicalOption(question, ref.option, field);
      if (question.type === 'ranking') {
        return {
          sql: '(SELECT CAST(j.key AS INTEGER) + 1 FROM answers a, json_each(a.value) j WHERE a.participant_id = p.id AND a.question_id = ? AND j.value = ?)',
          params: [question.id, option],
        };
      }
      if (question.type === 'multiple_choice') {
        return {
          sql: '(SELECT EXISTS (SELECT 1 FROM json_each(a.value) j WHERE j.value = ?) FROM answers a WHERE a.participant_id = p.id AND a.question_id = ?)',
          params: [option, question.id],
        };
      }
      throw new UserError(`"${field}": the :option form applies to ranking and multiple_choice questions; "${question.key}" is ${question.type}.`);
    }
    case 'status':
      return { sql: "COALESCE((SELECT i.status FROM interviews i WHERE i.participant_id = p.id), 'not_interviewed')", params: [] };
    case 'segment': {
      const segmentation = needSegmentation(context);
      const label = segmentLabel(context, 'm.segment_id');
      return {
        sql: `(SELECT group_concat(${label.sql}, ' | ') FROM segment_members m WHERE m.segmentation_id = ? AND m.participant_id = p.id)`,
        params: [...label.params, segmentation],
      };
    }
    case 'participant_id':
      return { sql: 'p.external_id', params: [] };
    case 'email':
      return { sql: 'p.email', params: [] };
    case 'name':
      return { sql: 'p.name', params: [] };
    default:
      return null;
  }
}

export function compileCondition(condition: Condition, context: FieldContext): Sql {
  const { field, op, value } = condition;
  const ref = parseField(field);
  switch (ref.kind) {
    case 'attr': {
      const type = resolveAttribute(context, ref.name, field);
      const expr = valueExpression(ref, context, field)!;
      if (type === 'number') {
        allowed(field, op, ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'exists']);
        return compare(field, expr, op, value, (v) => asNumber(field, v));
      }
      if (type === 'boolean') {
        allowed(field, op, ['eq', 'neq', 'exists']);
        return compare(field, expr, op, value, (v) => asBoolean(field, v));
      }
      if (type === 'date') {
        allowed(field, op, ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'exists']);
        return compare(field, expr, op, value, (v) => String(v));
      }
      allowed(field, op, ['eq', 'neq', 'in', 'contains', 'exists']);
      return compareText(field, expr, op, value);
    }
    case 'answer': {
      const question = resolveQuestion(context, ref.key, field);
      const expr = valueExpression(ref, context, field)!;
      if (ref.option !== null) {
        if (question.type === 'multiple_choice') {
          allowed(field, op, ['eq', 'neq', 'exists']);
          return compare(field, expr, op, value, (v) => asBoolean(field, v));
        }
        allowed(field, op, ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'exists']);
        return compare(field, expr, op, value, (v) => asNumber(field, v));
      }
      switch (question.type) {
        case 'scale':
          allowed(field, op, ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'exists']);
          return compare(field, expr, op, value, (v) => asNumber(field, v));
        case 'yes_no':
          allowed(field, op, ['eq', 'neq', 'exists']);
          return compare(field, expr, op, value, (v) => asBoolean(field, v));
        case 'single_choice':
          allowed(field, op, ['eq', 'neq', 'in', 'exists']);
          return compare(field, expr, op, value, (v) => canonicalOption(question, v, field));
        case 'open_ended':
          allowed(field, op, ['contains', 'exists']);
          return compareText(field, expr, op, value);
        case 'multiple_choice':
        case 'ranking': {
          allowed(field, op, ['eq', 'neq', 'in', 'contains', 'exists']);
          if (op === 'exists') return existence(expr, value);
          const v = needValue(field, op, value);
          const options = (Array.isArray(v) ? v : [v]).map((x) => canonicalOption(question, x, field));
          const marks = options.map(() => '?').join(', ');
          // For ranking, eq / in / neq look at the first choice; contains means ranked at all.
          const firstChoice = question.type === 'ranking' && op !== 'contains';
          const test = firstChoice
            ? `json_extract(a.value, '$[0]') IN (${marks})`
            : `EXISTS (SELECT 1 FROM json_each(a.value) j WHERE j.value IN (${marks}))`;
          const sql = `EXISTS (SELECT 1 FROM answers a WHERE a.participant_id = p.id AND a.question_id = ? AND ${test})`;
          return op === 'neq' ? { sql: `NOT ${sql}`, params: [question.id, ...options] } : { sql, params: [question.id, ...options] };
        }
      }
      break;
    }
    case 'tag':
    case 'theme': {
      const source =
        ref.kind === 'tag'
          ? { from: 'participant_tags x', col: 'x.tag', where: 'x.participant_id = p.id' }
          : { from: 'theme_evidence e JOIN themes x ON x.id = e.theme_id', col: 'x.code', where: 'e.participant_id = p.id' };
      allowed(field, op, ['eq', 'neq', 'in', 'contains', 'exists']);
      if (op === 'exists') {
        const wanted = value === undefined || !(value === false || String(value).toLowerCase() === 'false');
        return { sql: `${wanted ? '' : 'NOT '}EXISTS (SELECT 1 FROM ${source.from} WHERE ${source.where})`, params: [] };
      }
      const v = needValue(field, op, value);
      const list = (Array.isArray(v) ? v : [v]).map((x) => String(x).toLowerCase());
      const test = op === 'contains' ? `instr(lower(${source.col}), ?) > 0` : `lower(${source.col}) IN (${list.map(() => '?').join(', ')})`;
      const sql = `EXISTS (SELECT 1 FROM ${source.from} WHERE ${source.where} AND ${test})`;
      return { sql: op === 'neq' ? `NOT ${sql}` : sql, params: op === 'contains' ? [list[0]] : list };
    }
    case 'status': {
      allowed(field, op, ['eq', 'neq', 'in']);
      const v = needValue(field, op, value);
      for (const s of Array.isArray(v) ? v : [v]) {
        if (!STATUS_VALUES.includes(String(s))) throw new UserError(`Condition on "status": ${JSON.stringify(s)} is not one of ${listOf(STATUS_VALUES)}.`);
      }
      return compare(field, valueExpression(ref, context, field)!, op, v, (x) => String(x));
    }
    case 'segment': {
      // Members of a segment, by number or name (case-insensitive); overlapping segmentations allowed.
      allowed(field, op, ['eq', 'neq', 'in', 'exists']);
      const segmentationId = needSegmentation(context);
      const base = 'FROM segment_members m JOIN segments g ON g.segmentation_id = m.segmentation_id AND g.segment_id = m.segment_id WHERE m.segmentation_id = ? AND m.participant_id = p.id';
      if (op === 'exists') {
        const wanted = value === undefined || !(value === false || String(value).toLowerCase() === 'false');
        return { sql: `${wanted ? '' : 'NOT '}EXISTS (SELECT 1 ${base})`, params: [segmentationId] };
      }
      const v = needValue(field, op, value);
      const list = Array.isArray(v) ? v : [v];
      const tests = list.map(() => '(g.segment_id = ? OR lower(g.name) = ?)').join(' OR ');
      const params = [segmentationId, ...list.flatMap((x) => [typeof x === 'number' || /^\d+$/.test(String(x)) ? Number(x) : -1, String(x).trim().toLowerCase()])];
      const sql = `EXISTS (SELECT 1 ${base} AND (${tests}))`;
      return { sql: op === 'neq' ? `NOT ${sql}` : sql, params };
    }
    case 'participant_id':
    case 'email':
    case 'name':
      allowed(field, op, ['eq', 'neq', 'in', 'contains', 'exists']);
      return compareText(field, valueExpression(ref, context, field)!, op, value);
  }
  throw new UserError(`Unsupported condition on "${field}".`);
}

/** query_participants: conditions and a text search, keyset-paginated by participant. */
export class QueryStore {
  constructor(
    private readonly db: Db,
    private readonly studies: StudyStore,
  ) {}

  context(studyId: number, segmentationId?: number): FieldContext {
    let segmentation: number | null = null;
    if (segmentationId !== undefined) {
      const row = prepared(this.db, 'SELECT study_id FROM segmentations WHERE id = ?').get(segmentationId) as { study_id: number } | undefined;
      if (!row || row.study_id !== studyId) throw new UserError(`segmentation_id: no segmentation ${segmentationId} in study ${studyId}.`);
      segmentation = segmentationId;
    } else {
      const row = prepared(this.db, 'SELECT id FROM segmentations WHERE study_id = ? ORDER BY id DESC LIMIT 1').get(studyId) as { id: number } | undefined;
      segmentation = row?.id ?? null;
    }
    return {
      questions: new Map(this.studies.questions(studyId).map((q) => [q.key, q])),
      attributes: new Map(this.studies.attributes(studyId).map((a) => [a.name, a.type])),
      segmentationId: segmentation,
      segmentLabels: new Map(
        segmentation === null
          ? []
          : (prepared(this.db, `SELECT segment_id, COALESCE(name, 'Segment ' || segment_id) AS label FROM segments WHERE segmentation_id = ? ORDER BY segment_id`).raw().all(segmentation) as [number, string][]),
      ),
    };
  }

  /** Internal ids of the participants matching every condition, in id order. */
  matchingIds(studyId: number, where: Condition[], context = this.context(studyId)): number[] {
    const clauses = [{ sql: 'p.study_id = ?', params: [studyId] as unknown[] }, ...where.map((c) => compileCondition(c, context))];
    return (prepared(this.db, `SELECT p.id FROM participants p WHERE ${clauses.map((c) => c.sql).join(' AND ')} ORDER BY p.id`).all(...clauses.flatMap((c) => c.params)) as { id: number }[]).map((r) => r.id);
  }

  query(studyId: number, options: { where: Condition[]; text?: string | undefined; include: string[]; limit: number; cursor?: string | undefined; segmentationId?: number | undefined }): QueryPage {
    const context = this.context(studyId, options.segmentationId);
    const clauses: Sql[] = [{ sql: 'p.study_id = ?', params: [studyId] }];
    for (const condition of options.where) clauses.push(compileCondition(condition, context));
    const fts = options.text ? toFtsQuery(options.text) : null;
    if (fts) clauses.push({ sql: 'p.id IN (SELECT s.participant_id FROM said s WHERE said MATCH ?)', params: [fts] });

    const where = clauses.map((c) => c.sql).join(' AND ');
    const params = clauses.flatMap((c) => c.params);
    let total: number;
    try {
      total = (prepared(this.db, `SELECT COUNT(*) AS n FROM participants p WHERE ${where}`).get(...params) as { n: number }).n;
    } catch (error) {
      if (fts && /fts5|syntax/i.test(String(error))) throw new UserError(`The text search "${options.text}" could not be run; use plain words or "quoted phrases".`);
      throw error;
    }

    // Show the values the question was about (every field used in a condition, plus `include`),
    // selected with the page itself as extra columns v0, v1, ….
    const shownFields = [...new Set([...options.where.map((c) => c.field), ...options.include])];
    const valueColumns = shownFields
      .map((field) => ({ field, ref: parseField(field) }))
      .map(({ field, ref }) => ({ field, ref, expr: valueExpression(ref, context, field) }))
      .filter((c): c is typeof c & { expr: Sql } => c.expr !== null && c.ref.kind !== 'participant_id' && c.ref.kind !== 'email' && c.ref.kind !== 'name' && c.ref.kind !== 'status');
    const valueSelect = valueColumns.map((c, i) => `, ${c.expr.sql} AS v${i}`).join('');

    const after = options.cursor ? decodeCursor(options.cursor, 'after') : 0;
    const rows = prepared(this.db, 
        `SELECT p.id, p.external_id, p.name, p.email,
                COALESCE((SELECT i.status FROM interviews i WHERE i.participant_id = p.id), 'not_interviewed') AS status,
                (SELECT json_group_array(t.tag) FROM (SELECT tag FROM participant_tags WHERE participant_id = p.id ORDER BY tag) t) AS tags${valueSelect}
           FROM participants p WHERE ${where} AND p.id > ? ORDER BY p.id LIMIT ?`,
      )
      .all(...valueColumns.flatMap((c) => c.expr.params), ...params, after, options.limit + 1) as ({
      id: number;
      external_id: string;
      name: string | null;
      email: string | null;
      status: string;
      tags: string;
    } & Record<string, number | string | null>)[];
    const hasMore = rows.length > options.limit;
    const page = rows.slice(0, options.limit);

    // Snippets for the whole page in one FTS pass (participant_id is not indexed in FTS, so a
    // per-row lookup would re-run the full match for every row).
    const snippets = new Map<number, { source: string; text: string }[]>();
    if (fts && page.length > 0) {
      const rows = prepared(this.db, 
          `SELECT participant_id, kind, snippet(said, 0, '**', '**', '…', 16) AS text FROM said
            WHERE said MATCH ? AND participant_id IN (${page.map(() => '?').join(', ')}) ORDER BY rank`,
        )
        .all(fts, ...page.map((r) => r.id)) as { participant_id: number; kind: string; text: string }[];
      for (const row of rows) {
        const list = snippets.get(row.participant_id) ?? [];
        if (list.length < 2) list.push({ source: row.kind, text: row.text });
        snippets.set(row.participant_id, list);
      }
    }

    const participants: QueryRow[] = page.map((row) => {
      const values: QueryRow['values'] = {};
      valueColumns.forEach((c, i) => {
        const v = row[`v${i}`] ?? null;
        if (v === null || c.ref.kind !== 'answer') values[c.field] = v;
        else if (c.ref.option !== null) values[c.field] = v;
        else values[c.field] = decodeAnswer(context.questions.get(c.ref.key)!, v);
      });
      return {
        participant_id: row.external_id,
        name: row.name,
        email: row.email,
        tags: JSON.parse(row.tags) as string[],
        status: row.status,
        values,
        snippets: snippets.get(row.id) ?? [],
      };
    });
    const last = page[page.length - 1];
    return { total, participants, next_cursor: hasMore && last ? encodeCursor('after', last.id) : null };
  }
}

function decodeAnswer(question: StoredQuestion, value: number | string): AnswerValue {
  const decoded = fromStored(question.type, value);
  return question.type === 'yes_no' ? (decoded === 1 ? 'yes' : 'no') : decoded;
}
