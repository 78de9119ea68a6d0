/** Participant facts as columns (FactTable, ValueColumn) and driver columns (IdNumbers): pure code. */
import { describe, expect, it } from 'vitest';
import { FactTable, factTable, ValueColumn } from '../../src/domain/segments/facts.js';
import { IdNumbers } from '../../src/domain/id-numbers.js';

describe('ValueColumn', () => {
  it('keeps numbers, booleans, strings and lists apart, missing as undefined, equal lists once', () => {
    const column = new ValueColumn<unknown>(7);
    const list = Object.freeze(['Slack', 'Jira']);
    column.set(0, 4.25);
    column.set(1, true);
    column.set(2, false);
    column.set(3, 'Business');
    column.set(4, list, '["Slack","Jira"]');
    column.set(5, Object.freeze(['Slack', 'Jira']), '["Slack","Jira"]');
    column.set(6, null);
    expect([0, 1, 2, 3, 4, 6].map((r) => column.get(r))).toEqual([4.25, true, false, 'Business', list, undefined]);
    // The second list with the same key is the first one (shared, not a copy).
    expect(column.get(5)).toBe(list);
    expect(column.get(0)).toBe(4.25);
    // 0 and '' are values, not missing.
    column.set(0, 0);
    column.set(3, '');
    expect([column.get(0), column.get(3)]).toEqual([0, '']);
  });
});

describe('FactTable', () => {
  it('finds rows by id with a dense index or, for scattered ids, a binary search', () => {
    const dense = new FactTable([3, 4, 5, 9], ['a', 'b', 'c', 'd'], [null, null, null, null], [null, null, null, null]);
    expect([3, 4, 5, 9, 6, 2, 10].map((id) => dense.rowOf(id))).toEqual([0, 1, 2, 3, -1, -1, -1]);
    const sparse = new FactTable([1, 1_000_000, 5_000_000_000], ['a', 'b', 'c'], [null, null, null], [null, null, null]);
    expect([1, 1_000_000, 5_000_000_000, 2, 999_999].map((id) => sparse.rowOf(id))).toEqual([0, 1, 2, -1, -1]);
    expect(() => new FactTable([2, 1], ['a', 'b'], [null, null], [null, null])).toThrow(/ascend/);
  });

  it('reads back what it was built from: statuses, attributes, answers, themes and tags in byte order', () => {
    const table = factTable([
      { id: 20, participant_id: 'p20', email: 'b@x.example', attributes: { plan: 'Team', mrr: 90, active: false }, answers: { score: 4, tools: ['Jira'] }, themes: ['pricing'], tags: ['zeta', 'Alpha', 'beta'], status: 'partial' },
      { id: 10, participant_id: 'p10', name: 'Ana Ruiz', attributes: { plan: 'Business' }, status: 'not_interviewed' },
    ]);
    const [first, second] = table.rows();
    expect(first!.id).toBe(10);
    expect([first!.participant_id, first!.name, first!.email, first!.status]).toEqual(['p10', 'Ana Ruiz', null, 'not_interviewed']);
    expect([first!.attribute('plan'), first!.attribute('mrr'), first!.answer('score'), first!.hasTheme('pricing'), first!.tags, first!.tagCount]).toEqual(['Business', undefined, undefined, false, [], 0]);
    expect([second!.attribute('plan'), second!.attribute('mrr'), second!.attribute('active'), second!.status]).toEqual(['Team', 90, false, 'partial']);
    expect([second!.answer('score'), second!.answer('tools'), second!.hasTheme('pricing'), second!.hasTheme('other')]).toEqual([4, ['Jira'], true, false]);
    // Byte order, as SQLite's ORDER BY tag: upper case first.
    expect(second!.tags).toEqual(['Alpha', 'beta', 'zeta']);
    expect(Object.isFrozen(second!.answer('tools'))).toBe(true);
    // One view per row, made once.
    expect(table.rows()[1]).toBe(second);
  });
});

describe('IdNumbers', () => {
  it('looks values up by id and keeps the order they were read in', () => {
    const column = new IdNumbers([7, 3, 5], [70, 30, null]);
    expect([column.get(7), column.get(3), column.get(4), column.has(5), column.has(6)]).toEqual([70, 30, undefined, true, false]);
    expect(Number.isNaN(column.get(5)!)).toBe(true);
    expect(Array.from(column.ids)).toEqual([7, 3, 5]);
    const kept = column.filter((id) => id !== 3);
    expect([Array.from(kept.ids), Array.from(kept.values)]).toEqual([[7, 5], [70, NaN]]);
    // Scattered ids: a binary search instead of an index over their span.
    const scattered = new IdNumbers([9_000_000_000, 1, 40_000], [3, 1, 2]);
    expect([scattered.get(1), scattered.get(40_000), scattered.get(9_000_000_000), scattered.get(2)]).toEqual([1, 2, 3, undefined]);
    expect(() => new IdNumbers([1, 2], [1])).toThrow(/length/);
  });
});
