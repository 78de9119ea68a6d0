/** describeSegments: sizes, shares, representatives nearest each centre and their quotes, worked by hand. */
import { describe, expect, it } from 'vitest';
import { describeSegments, groupCentres } from '../../../src/domain/segments/describe.js';
import { fitEncoding } from '../../../src/domain/segments/encoding.js';
import { matrix } from '../../../src/domain/matrix.js';
import { distinctiveWords } from '../../../src/domain/segments/words.js';
import { catalog, fact } from '../../helpers/facts.js';

const mrr = [0, 1, 5, 10, 11, 12];
const facts = mrr.map((x, i) => fact(i + 1, {}, { mrr: x }));
const fit = fitEncoding(facts, ['attr.mrr'], catalog);
const groups = [[0, 1, 2], [3, 4, 5]];
const texts = [
  { participant: 2, kind: 'answer' as const, question: 'ideal_outcome', text: 'Too short' },
  { participant: 1, kind: 'quote' as const, question: null, text: 'Cheap enough' },
  { participant: 3, kind: 'answer' as const, question: 'ideal_outcome', text: 'An answer long enough to be worth quoting here' },
];
const reads: number[][] = [];
const readTexts = (ids: number[]) => {
  reads.push(ids);
  return texts.filter((t) => ids.includes(t.participant));
};
const [low, high] = await describeSegments(fit.encoding, facts, fit.matrix, groups, readTexts, 8);

describe('describeSegments', () => {
  it('sizes and shares of the population given', () => {
    expect([low!.segment_id, low!.size, low!.share, high!.share]).toEqual([1, 3, 0.375, 0.375]);
    expect(low!.profile[0]!.values).toEqual([{ option: null, value: 2 }]); // mean of 0, 1, 5
  });

  it('representatives nearest the centre first: mrr 1, 0, 5 around a mean of 2, in standardized units', () => {
    const sd = Math.sqrt(mrr.reduce((s, x) => s + (x - 6.5) ** 2, 0) / mrr.length); // population sd, as StandardScaler
    expect(low!.representatives).toEqual([
      { participant_id: 'p2', distance: expect.closeTo(1 / sd, 12) },
      { participant_id: 'p1', distance: expect.closeTo(2 / sd, 12) },
      { participant_id: 'p3', distance: expect.closeTo(3 / sd, 12) },
    ]);
  });

  it('quotes from the nearest members first, skipping answers too short to quote', () => {
    expect(low!.quotes).toEqual([
      { participant_id: 'p1', text: 'Cheap enough' },
      { participant_id: 'p3', text: 'An answer long enough to be worth quoting here' },
    ]);
    expect(high!.quotes).toEqual([]);
  });

  it('the two groups differ on mrr, significantly after adjustment', () => {
    expect(low!.distinguishing.map((c) => [c.column, c.a, c.b])).toEqual([['attr.mrr', 2, 11]]);
  });

  it('group centres are the mean rows', () => {
    const data = matrix(4, 2, Float64Array.from([0, 0, 2, 4, 10, 10, 20, 30]));
    expect(Array.from(groupCentres(data, [[0, 1], [2, 3], []]).data)).toEqual([1, 2, 15, 20, 0, 0]);
  });

  it('reads only the members\' texts, in chunks, never all at once for the quotes', () => {
    // Word counting reads each segment's members; quotes read the nearest members of each segment.
    expect(reads.slice(0, 2)).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(reads.slice(2)).toEqual([[2, 1, 3], [5, 4, 6]]);
  });

  it('distinctive words as counting each group\'s texts directly', async () => {
    const said = ['billing billing invoices slow', 'billing support slow', 'invoices billing late', 'dashboard charts fast', 'dashboard export fast', 'charts dashboard'].map((t) => `${t} `.repeat(6));
    const wordy = said.map((text, i) => ({ participant: i + 1, kind: 'answer' as const, question: 'q', text }));
    const [a] = await describeSegments(fit.encoding, facts, fit.matrix, groups, (ids) => wordy.filter((t) => ids.includes(t.participant)), 6);
    const expected = distinctiveWords(said.slice(0, 3), said.slice(3)).a.slice(0, 6);
    expect(expected.length).toBeGreaterThan(0);
    expect(a!.distinctive_words).toEqual(expected);
  });
});
