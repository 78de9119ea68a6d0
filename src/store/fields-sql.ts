/**
 * The field grammar in SQL: compiles `where` conditions over participants `p` and a field's value
 * expression. Every value is a bound parameter;
 * field names are resolved against the study's questions and attribute catalogue first, so
 * an unknown field or option is a clear error, never a silently empty result.
 */
import { listOf, UserError } from '../errors.js';
import type { AttributeType, AttributeValue } from '../domain/attributes.js';
import { parseField, toFtsQuery, type FieldRef, type Operator } from '../domain/fields.js';
import type { DateUnit } from '../domain/grouping.js';
import type { StoredQuestion } from './studies.js';
import type { QuestionType } from '../domain/questions.js';

export type ConditionValue = string | number | boolean | (string | number)[];
export interface Condition {
  field: string;
  op: Operator;
  value?: ConditionValue | undefined;
}

export interface Sql {
  sql: string;
  params: unknown[];
}

const STATUS_VALUES = ['completed', 'partial', 'not_interviewed'];

/**
 * What differs between the engines in the compiled SQL; the grammar, its checks and messages are
 * one. Placeholders are `?` on both (the PostgreSQL store numbers them). Values keep SQLite's
 * types on both: numbers, booleans as 1/0, text, lists as JSON text.
 */
export interface FieldDialect {
  /** One attribute of participant `p`. */
  attribute(name: string, type: AttributeType): Sql;
  /** The stored answer of `p` to a question, given as the `a.value` expression of an answers row `a`. */
  answerValue(type: QuestionType): string;
  /** The 1-based rank of an option in `p`'s ranking answer. */
  rankOf(questionId: number, option: string): Sql;
  /** Whether `p`'s multiple-choice answer includes an option (1/0). */
  chose(questionId: number, option: string): Sql;
  /** The test on an answers row `a` of a list answer: its first element, or any element, among `marks`. */
  listTest(first: boolean, marks: string): string;
  /** `needle` (a lower-cased parameter) occurs in the text `expr`. */
  contains(expr: string): string;
  /** Values of `expr` over rows joined with ' | '. */
  joined(expr: string): string;
}

export const sqliteFields: FieldDialect = {
  attribute: (name) => ({ sql: 'json_extract(p.attributes, ?)', params: [attributePath(name)] }),
  answerValue: () => 'a.value',
  rankOf: (questionId, option) => ({
    sql: '(SELECT CAST(j.key AS INTEGER) + 1 FROM answers a, json_each(a.value) j WHERE a.participant_id = p.id AND a.question_id = ? AND j.value = ?)',
    params: [questionId, option],
  }),
  chose: (questionId, option) => ({
    sql: '(SELECT EXISTS (SELECT 1 FROM json_each(a.value) j WHERE j.value = ?) FROM answers a WHERE a.participant_id = p.id AND a.question_id = ?)',
    params: [option, questionId],
  }),
  listTest: (first, marks) => (first ? `json_extract(a.value, '$[0]') IN (${marks})` : `EXISTS (SELECT 1 FROM json_each(a.value) j WHERE j.value IN (${marks}))`),
  contains: (expr) => `instr(lower(${expr}), ?) > 0`,
  joined: (expr) => `group_concat(${expr}, ' | ')`,
};

/** What fields mean in one study: its questions and attribute types, and the segmentation `segment` refers to. */
export interface FieldCatalog {
  questions: Map<string, StoredQuestion>;
  attributes: Map<string, AttributeType>;
  /** The segmentation the `segment` field refers to: the given one, else the study's latest. */
  segmentationId: number | null;
  /** That segmentation's segment labels (name, else "Segment <n>") by segment number. */
  segmentLabels: Map<number, string>;
}

function needSegmentation(fields: FieldCatalog): number {
  if (fields.segmentationId === null) throw new UserError('The field "segment" needs a segmentation: run cluster_participants or segment_by_rules first, or pass segmentation_id.');
  return fields.segmentationId;
}

/**
 * SQL for a segment's label from a segment number column. The labels are inlined as a CASE
 * because joining \`segments\` per member reads its wide rows (profiles) 100,000 times.
 */
export function segmentLabelSql(fields: FieldCatalog, column: string): Sql {
  const labels = [...fields.segmentLabels];
  if (labels.length === 0) return { sql: 'NULL', params: [] };
  return { sql: `CASE ${column} ${labels.map(() => 'WHEN ? THEN ?').join(' ')} END`, params: labels.flat() };
}

export function attributePath(name: string): string {
  // A quoted label takes JSON string escapes: a backslash, quote or control character in the
  // name must be escaped too, or the path names another key (or none).
  return `$.${JSON.stringify(name)}`;
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
function compareText(field: string, expr: Sql, op: Operator, value: ConditionValue | undefined, dialect: FieldDialect): Sql {
  if (op === 'exists') return existence(expr, value);
  const v = needValue(field, op, value);
  if (op === 'in') {
    const list = (v as unknown[]).map((x) => String(x).toLowerCase());
    return { sql: `lower(${expr.sql}) IN (${list.map(() => '?').join(', ')})`, params: [...expr.params, ...list] };
  }
  const text = String(v).toLowerCase();
  if (op === 'contains') return { sql: dialect.contains(expr.sql), params: [...expr.params, text] };
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

export function resolveQuestion(fields: FieldCatalog, key: string, field: string): StoredQuestion {
  const question = fields.questions.get(key);
  if (!question) throw new UserError(`Unknown question key "${key}" in "${field}". Question keys: ${listOf([...fields.questions.keys()])}.`);
  return question;
}

export function resolveAttribute(fields: FieldCatalog, name: string, field: string): AttributeType {
  const type = fields.attributes.get(name);
  if (!type) throw new UserError(`Unknown attribute "${name}" in "${field}". Attributes: ${listOf([...fields.attributes.keys()])}.`);
  return type;
}

/** SQL expression for a field's value per participant `p` (for attributes, answers and plain columns). */
export function valueExpression(ref: FieldRef, fields: FieldCatalog, field: string, dialect: FieldDialect = sqliteFields): Sql | null {
  switch (ref.kind) {
    case 'attr':
      return dialect.attribute(ref.name, resolveAttribute(fields, ref.name, field));
    case 'answer': {
      const question = resolveQuestion(fields, ref.key, field);
      if (ref.option === null) {
        return { sql: `(SELECT ${dialect.answerValue(question.type)} FROM answers a WHERE a.participant_id = p.id AND a.question_id = ?)`, params: [question.id] };
      }
      const option = canonicalOption(question, ref.option, field);
      if (question.type === 'ranking') return dialect.rankOf(question.id, option);
      if (question.type === 'multiple_choice') return dialect.chose(question.id, option);
      throw new UserError(`"${field}": the :option form applies to ranking and multiple_choice questions; "${question.key}" is ${question.type}.`);
    }
    case 'status':
      return { sql: "COALESCE((SELECT i.status FROM interviews i WHERE i.participant_id = p.id), 'not_interviewed')", params: [] };
    case 'segment': {
      const segmentation = needSegmentation(fields);
      const label = segmentLabelSql(fields, 'm.segment_id');
      return {
        sql: `(SELECT ${dialect.joined(label.sql)} FROM segment_members m WHERE m.segmentation_id = ? AND m.participant_id = p.id)`,
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

export function compileCondition(condition: Condition, fields: FieldCatalog, dialect: FieldDialect = sqliteFields): Sql {
  const { field, op, value } = condition;
  const ref = parseField(field);
  switch (ref.kind) {
    case 'attr': {
      const type = resolveAttribute(fields, ref.name, field);
      const expr = valueExpression(ref, fields, field, dialect)!;
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
      return compareText(field, expr, op, value, dialect);
    }
    case 'answer': {
      const question = resolveQuestion(fields, ref.key, field);
      const expr = valueExpression(ref, fields, field, dialect)!;
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
          return compareText(field, expr, op, value, dialect);
        case 'multiple_choice':
        case 'ranking': {
          allowed(field, op, ['eq', 'neq', 'in', 'contains', 'exists']);
          if (op === 'exists') return existence(expr, value);
          const v = needValue(field, op, value);
          const options = (Array.isArray(v) ? v : [v]).map((x) => canonicalOption(question, x, field));
          const marks = options.map(() => '?').join(', ');
          // For ranking, eq / in / neq look at the first choice; contains means ranked at all.
          const firstChoice = question.type === 'ranking' && op !== 'contains';
          const test = dialect.listTest(firstChoice, marks);
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
      const test = op === 'contains' ? dialect.contains(source.col) : `lower(${source.col}) IN (${list.map(() => '?').join(', ')})`;
      const sql = `EXISTS (SELECT 1 FROM ${source.from} WHERE ${source.where} AND ${test})`;
      return { sql: op === 'neq' ? `NOT ${sql}` : sql, params: op === 'contains' ? [list[0]] : list };
    }
    case 'status': {
      allowed(field, op, ['eq', 'neq', 'in']);
      const v = needValue(field, op, value);
      for (const s of Array.isArray(v) ? v : [v]) {
        if (!STATUS_VALUES.includes(String(s))) throw new UserError(`Condition on "status": ${JSON.stringify(s)} is not one of ${listOf(STATUS_VALUES)}.`);
      }
      return compare(field, valueExpression(ref, fields, field, dialect)!, op, v, (x) => String(x));
    }
    case 'segment': {
      // Members of a segment, by number or name (case-insensitive); overlapping segmentations allowed.
      allowed(field, op, ['eq', 'neq', 'in', 'exists']);
      const segmentationId = needSegmentation(fields);
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
      return compareText(field, valueExpression(ref, fields, field, dialect)!, op, value, dialect);
  }
  throw new UserError(`Unsupported condition on "${field}".`);
}

/** SQL turning an ISO date column (a plain name: it is repeated) into its month (2024-03), quarter (2024-Q1) or year (2024). */
export function dateGroupSql(expr: string, unit: DateUnit): string {
  if (unit === 'month') return `substr(${expr}, 1, 7)`;
  if (unit === 'year') return `substr(${expr}, 1, 4)`;
  return `(substr(${expr}, 1, 4) || '-Q' || ((CAST(substr(${expr}, 6, 2) AS INTEGER) + 2) / 3))`;
}
