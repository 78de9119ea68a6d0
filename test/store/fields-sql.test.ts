/** The condition compiler: errors that name the field and the choices; values always bound, never spliced. */
import { afterAll, describe, expect, it } from 'vitest';
import { compileCondition, type Condition } from '../../src/store/fields-sql.js';
import { seedTinyStore, tempStore } from '../helpers/stores.js';

const store = tempStore();
const studyId = await seedTinyStore(store);
const fields = await store.fieldCatalog(studyId);
afterAll(() => store.close());

/** External ids of the participants a condition selects, running the compiled SQL itself. */
function select(condition: Condition): string[] {
  const { sql, params } = compileCondition(condition, fields);
  return (store.db.prepare(`SELECT p.external_id FROM participants p WHERE p.study_id = ? AND ${sql} ORDER BY p.id`).pluck().all(studyId, ...params) as string[]);
}

describe('compileCondition', () => {
  it('names the unknown field and lists what exists', () => {
    expect(() => compileCondition({ field: 'attr.colour', op: 'eq', value: 'red' }, fields)).toThrow('Unknown attribute "colour" in "attr.colour". Attributes: "plan", "mrr", "signup_date", "hubspot.stage".');
    expect(() => compileCondition({ field: 'answer.nope', op: 'eq', value: 1 }, fields)).toThrow(/^Unknown question key "nope" in "answer\.nope"\. Question keys: "why", "importance", "nps", "use_case", "tools", "factors", "team"\.$/);
    expect(() => compileCondition({ field: 'answer.use_case:Alpha', op: 'eq', value: true }, fields)).toThrow('"answer.use_case:Alpha": the :option form applies to ranking and multiple_choice questions; "use_case" is single_choice.');
    expect(() => compileCondition({ field: 'segment', op: 'eq', value: 1 }, fields)).toThrow(/needs a segmentation/);
  });

  it('names the operator and value problems', () => {
    expect(() => compileCondition({ field: 'attr.mrr', op: 'contains', value: 1 }, fields)).toThrow('Condition on "attr.mrr": op "contains" does not apply here; allowed: "eq", "neq", "gt", "gte", "lt", "lte", "in", "exists".');
    expect(() => compileCondition({ field: 'attr.mrr', op: 'gt' }, fields)).toThrow('Condition on "attr.mrr" with op "gt" needs a value.');
    expect(() => compileCondition({ field: 'attr.mrr', op: 'eq', value: [1, 2] }, fields)).toThrow('a list of values goes with op "in", not "eq"');
    expect(() => compileCondition({ field: 'answer.team', op: 'eq', value: 'maybe' }, fields)).toThrow('Condition on "answer.team": "maybe" is not true/false or yes/no.');
    expect(() => compileCondition({ field: 'answer.factors', op: 'eq', value: 'Cost' }, fields)).toThrow('"Cost" is not an option of "factors"; options: "Price", "Speed", "Trust".');
  });

  it('neq keeps those without a value; ranking eq is the first choice; hostile text is only a value', () => {
    expect(select({ field: 'attr.plan', op: 'neq', value: 'pro' })).toEqual(['p3', 'p4', 'p5', 'p6']);
    expect(select({ field: 'answer.importance', op: 'neq', value: 5 })).toEqual(['p2', 'p3', 'p4', 'p5', 'p6']);
    expect(select({ field: 'answer.factors', op: 'eq', value: 'trust' })).toEqual(['p4']);
    expect(select({ field: 'answer.factors:Trust', op: 'lte', value: 2 })).toEqual(['p3', 'p4']);
    expect(select({ field: 'name', op: 'eq', value: "x' OR '1'='1" })).toEqual([]);
    expect(select({ field: 'attr.hubspot.stage', op: 'in', value: ['LEAD'] })).toEqual(['p3', 'p5']);
    expect(store.db.prepare('SELECT COUNT(*) FROM participants').pluck().get()).toBe(6);
  });
});
