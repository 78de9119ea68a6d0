/** Pure segmentation pieces: encoding, RFM, prioritization, typing tool, distinctive words, migration. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeParticipants, fitEncoding, heavyTailed, rawValues } from '../../src/domain/segments/encoding.js';
import { normalizeWeights, rankSegments, scaleToScores } from '../../src/domain/segments/prioritize.js';
import { quintileScores, rfmSegment, RFM_SEGMENTS, scoreRfm } from '../../src/domain/segments/rfm.js';
import { growTree, predict, typingTool, typingVariables } from '../../src/domain/segments/typing-tool.js';
import { distinctiveWords } from '../../src/domain/segments/words.js';
import { centreDistances, matchSegments } from '../../src/domain/segments/migration.js';
import { catalog, fact } from '../helpers/facts.js';
import type { ParticipantFacts, StudyCatalog } from '../../src/domain/segments/facts.js';

describe('encoding', () => {
  it('standardizes like StandardScaler and scales a k-column feature by 1/√k', () => {
    const facts = [1, 2, 3, 4].map((s, i) => fact(i + 1, { score: s, pick: i < 2 ? 'A' : 'B' }));
    const fit = fitEncoding(facts, ['answer.score', 'answer.pick'], catalog);
    // score: mean 2.5, population sd √1.25 → z = (x − 2.5)/1.118034 (numpy: (x - x.mean()) / x.std()).
    const z = [-1.3416407865, -0.4472135955, 0.4472135955, 1.3416407865];
    // pick: one-hot A/B, each column z = ±1, times 1/√2.
    const r = Math.SQRT1_2;
    expect(fit.encoding.features.map((f) => f.columns.length)).toEqual([1, 2]);
    const rows = [0, 1, 2, 3].map((i) => Array.from(fit.matrix.data.subarray(i * 3, i * 3 + 3)));
    rows.forEach((row, i) => {
      expect(row[0]).toBeCloseTo(z[i]!, 9);
      expect(row[1]).toBeCloseTo(i < 2 ? r : -r, 9);
      expect(row[2]).toBeCloseTo(i < 2 ? -r : r, 9);
    });
    // The stored encoding re-encodes the same participants to the same numbers.
    expect(Array.from(encodeParticipants(fit.encoding, facts).data)).toEqual(Array.from(fit.matrix.data));
  });

  it('ranking points are m − rank + 1 and unranked options score 0', () => {
    const feature = { field: 'answer.rank', kind: 'rank_points' as const, options: ['X', 'Y', 'Z'], source: { type: 'answer' as const, question_type: 'ranking' } };
    expect(rawValues(feature, fact(1, { rank: ['Z', 'X'] }))).toEqual([2, 0, 3]);
    expect(rawValues(feature, fact(1, {}))).toBeNull();
  });

  it('imputes medians, reports them, and drops constant columns', () => {
    const facts = [fact(1, { score: 1 }, { mrr: 10 }), fact(2, { score: 5 }, { mrr: 10 }), fact(3, {}, { mrr: 10 }), fact(4, { score: 2 }, { mrr: 10 })];
    const fit = fitEncoding(facts, ['answer.score', 'attr.mrr'], catalog);
    expect(fit.imputed).toEqual([{ field: 'answer.score', count: 1 }, { field: 'attr.mrr', count: 0 }]);
    expect(fit.encoding.features.map((f) => f.field)).toEqual(['answer.score']);
    expect(fit.notes.some((n) => n.note.includes('same value for everyone'))).toBe(true);
    expect(fit.encoding.features[0]!.columns[0]!.impute).toBe(2); // median of 1, 5, 2
  });

  it('detects heavy tails by skewness', () => {
    expect(heavyTailed([1, 2, 2, 3, 3, 3, 4, 4, 5, 5])).toBe(false);
    expect(heavyTailed([10, 12, 15, 11, 14, 13, 12, 400, 900, 16])).toBe(true);
    expect(heavyTailed([-5, 1, 2, 3, 4, 5, 6, 7, 100])).toBe(false); // negative values: no log
  });
});

describe('RFM', () => {
  it('quintile scores, with ties sharing the score of the values ranked below them', () => {
    expect(quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(quintileScores([5, 5, 5, 1, null])).toEqual([2, 2, 2, 1, null]);
    expect(quintileScores([7, 7, 7])).toEqual([1, 1, 1]);
  });

  it('the R–F map covers all 25 cells exactly once', () => {
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) expect(RFM_SEGMENTS.filter((s) => s.cells.test(`${r}${f}`))).toHaveLength(1);
    expect(rfmSegment(5, 5)).toBe('Champions');
    expect(rfmSegment(1, 1)).toBe('Hibernating');
    expect(rfmSegment(1, 5)).toBe("Can't Lose Them");
  });

  it('reverses a number recency (days since) but not a date', () => {
    const days = scoreRfm([1, 100], [5, 5], [1, 1], false);
    expect(days[0]!.r).toBeGreaterThan(days[1]!.r);
    const dates = scoreRfm([Date.parse('2026-01-01'), Date.parse('2026-11-01')], [5, 5], [1, 1], true);
    expect(dates[1]!.r).toBeGreaterThan(dates[0]!.r);
  });
});

describe('prioritization', () => {
  it("reproduces the guide's example matrix (default weights)", () => {
    // ../shared/seeds: Startups 7,5,9,8,9 → 7.4; SMB 8,6,7,7,5 → 6.7; Agencies 5,6,8,6,4 → 5.9.
    // Its Enterprise row (9,10,6,4,7 → "7.3") is an arithmetic slip: the weights give 7.6.
    const weights = normalizeWeights();
    const row = (id: number, s: number[]) => ({ segment_id: id, scores: { market_size: s[0], revenue_potential: s[1], fit: s[2], acquisition_ease: s[3], strategic_value: s[4] } });
    const ranked = rankSegments([row(1, [7, 5, 9, 8, 9]), row(2, [9, 10, 6, 4, 7]), row(3, [8, 6, 7, 7, 5]), row(4, [5, 6, 8, 6, 4])], weights);
    expect(ranked.map((r) => [r.segment_id, r.total])).toEqual([[2, 7.6], [1, 7.35], [3, 6.7], [4, 5.85]]);
  });

  it('scales derived values to 1–10 and renormalizes partial scores', () => {
    expect(scaleToScores([10, 20, 30])).toEqual([1, 5.5, 10]);
    expect(scaleToScores([4, 4])).toEqual([5.5, 5.5]);
    const [only] = rankSegments([{ segment_id: 1, scores: { market_size: 8 } }], normalizeWeights());
    expect(only!.total).toBe(8);
    expect(only!.unscored).toHaveLength(4);
  });
});

describe('typing tool', () => {
  it('finds the threshold that separates two groups and states it as a query condition', () => {
    const facts = Array.from({ length: 40 }, (_, i) => fact(i + 1, { score: (i % 5) + 1 }, { mrr: i < 20 ? 50 + i : 500 + i, tier: i % 2 ? 'gold' : 'silver' }));
    const labels = facts.map((_, i) => (i < 20 ? 0 : 1));
    const tool = typingTool(facts, labels, 2, catalog, { maxDepth: 2 });
    expect(tool.accuracy).toBe(1);
    expect(tool.cross_validated_accuracy).toBe(1);
    expect(tool.rules).toEqual([
      { label: 0, conditions: [{ field: 'attr.mrr', op: 'lte', value: expect.any(Number) }], n: 20, purity: 1 },
      { label: 1, conditions: [{ field: 'attr.mrr', op: 'gt', value: expect.any(Number) }], n: 20, purity: 1 },
    ]);
    const threshold = tool.rules[0]!.conditions[0]!.value as number;
    expect(threshold).toBeGreaterThanOrEqual(69);
    expect(threshold).toBeLessThan(520);
  });

  it('as the CRM typing model splits on attributes and tags only, never answers, and compares a tree with the majority share', () => {
    // The answer separates the groups perfectly; the CRM has only a noisy attribute and a tag.
    const facts = Array.from({ length: 40 }, (_, i) => fact(i + 1, { score: i < 20 ? 1 : 5 }, { mrr: i < 20 ? 50 + i : 500 + i }, [], i % 4 === 0 ? ['churned'] : []));
    const labels = facts.map((_, i) => (i < 20 ? 0 : 1));
    const crm = typingTool(facts, labels, 2, catalog, { maxDepth: 2, crm: true });
    for (const rule of crm.rules) for (const c of rule.conditions) expect(c.field === 'tag' || c.field.startsWith('attr.')).toBe(true);
    expect(crm.majority_share).toBe(0.5);
    expect(crm.verdict).toBe('distinguishes');
    expect(crm.confusion!.flat().reduce((sum, x) => sum + x, 0)).toBe(40);
    // Labels that no CRM field explains: no better than guessing the majority.
    const noise = facts.map((_, i) => ((i * 7919) % 13) % 2);
    const blind = typingTool(facts.map((f) => fact(f.id, { score: f.answer('score')! }, { mrr: 100 }, [], f.tags)), noise, 2, catalog, { maxDepth: 2, crm: true });
    expect(blind.verdict).toBe('cannot_tell');
  });

  it('grows the same tree as scikit-learn (Gini, depth 3, 5 per leaf) on iris: predictions, training and cross-validated accuracy', () => {
    const ref = JSON.parse(readFileSync(new URL('../fixtures/reference/analysis.json', import.meta.url), 'utf8')).cart_iris;
    const irisCatalog: StudyCatalog = { questions: [], attributes: ref.features.map((name: string) => ({ name, type: 'number' })), themes: [] };
    const rows: ParticipantFacts[] = ref.X.map((x: number[], i: number) => fact(i + 1, {}, Object.fromEntries(ref.features.map((f: string, j: number) => [f, x[j]!]))));
    const variables = typingVariables(irisCatalog, { crm: true });
    const options = { maxDepth: 3, minLeaf: 5 };
    const full = growTree(rows, ref.y, variables, options);
    expect(rows.map((f) => predict(full, f))).toEqual(ref.train_predictions);
    // The same folds as the reference (row i in fold i % 5).
    const held = rows.map((f, i) => {
      const train = rows.map((_, j) => j).filter((j) => j % 5 !== i % 5);
      return predict(growTree(train.map((j) => rows[j]!), train.map((j) => ref.y[j]), variables, options), f);
    });
    expect(held).toEqual(ref.cv_predictions);
    expect(held.filter((p, i) => p === ref.y[i]).length / rows.length).toBeCloseTo(ref.cv_accuracy, 12);
  });
});

describe('distinctive words (log-odds, informative Dirichlet prior)', () => {
  it('finds the words each side leans on and nothing for shared words', () => {
    const a = Array.from({ length: 10 }, () => 'price cheaper plan survey');
    const b = Array.from({ length: 10 }, () => 'security references pilot survey');
    const words = distinctiveWords(a, b);
    expect(words.a.map((w) => w.word).sort()).toEqual(['cheaper', 'plan', 'price']);
    expect(words.b.map((w) => w.word).sort()).toEqual(['pilot', 'references', 'security']);
    // Symmetric data, symmetric scores.
    expect(words.a[0]!.z).toBeCloseTo(words.b[0]!.z, 9);
  });
});

describe('migration matching', () => {
  it('matches by name first, then by Hungarian assignment on member overlap', () => {
    const seg = (id: number, name: string | null, members: string[]) => ({ segment_id: id, name, centre: null, members: new Set(members) });
    const from = [seg(1, 'Alpha', ['a', 'b']), seg(2, null, ['c', 'd']), seg(3, null, ['e', 'f'])];
    const to = [seg(1, null, ['e', 'f']), seg(2, 'alpha', ['a']), seg(3, null, ['c', 'd', 'b'])];
    expect(matchSegments(from, to, null).map((m) => [m.from, m.to, m.by])).toEqual([
      [0, 1, 'name'],
      [1, 2, 'overlap'],
      [2, 0, 'overlap'],
    ]);
  });

  it('compares centres in the first encoding\'s units', () => {
    const encoding = (centre: number, scale: number) => ({ version: 1 as const, features: [{ field: 'attr.x', label: 'x', kind: 'number' as const, source: { type: 'attr' as const, attribute_type: 'number' }, weight: 1, transform: 'none' as const, options: [], columns: [{ name: 'attr.x', option: null, binary: false, centre, scale, impute: centre, factor: 1 }] }] });
    // From: x standardized with mean 10, sd 2. To: mean 20, sd 4. A to-centre at z = 0 is x = 20, i.e. z = 5 in from's units.
    const d = centreDistances(encoding(10, 2), [[5], [0]], encoding(20, 4), [[0]]);
    expect(d).toEqual([[0], [5]]);
  });
});
