import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ThemeQuotePicker } from '../../src/domain/theme-quotes.js';

type Evidence = { code: string; id: number; participant: string; text: string };

/** The definition, over every piece of evidence at once (what the stores did before the picker). */
function pickedFromAll(evidence: Evidence[], perTheme: number) {
  const byTheme = new Map<string, Map<string, { first: number; participant_id: string }>>();
  for (const e of evidence) {
    const distinct = byTheme.get(e.code) ?? byTheme.set(e.code, new Map()).get(e.code)!;
    const seen = distinct.get(e.text);
    if (!seen) distinct.set(e.text, { first: e.id, participant_id: e.participant });
    else {
      seen.first = Math.min(seen.first, e.id);
      if (e.participant < seen.participant_id) seen.participant_id = e.participant;
    }
  }
  return new Map(
    [...byTheme].map(([code, texts]) => [
      code,
      [...texts]
        .sort(([a, x], [b, y]) => b.length - a.length || x.first - y.first)
        .slice(0, perTheme)
        .map(([text, { participant_id }]) => ({ participant_id, text })),
    ]),
  );
}

function picked(evidence: Evidence[], perTheme: number) {
  const picker = new ThemeQuotePicker(perTheme);
  for (const e of evidence) picker.add(e.code, e.id, e.participant, e.text);
  return picker.quotes();
}

describe('ThemeQuotePicker', () => {
  it('keeps the longest distinct texts per theme, earliest first among equals, credited to the lowest participant id', () => {
    const evidence: Evidence[] = [
      { code: 'price', id: 1, participant: 'P9', text: 'too dear' },
      { code: 'price', id: 2, participant: 'P2', text: 'the price doubled' },
      { code: 'price', id: 3, participant: 'P1', text: 'too dear' },
      { code: 'price', id: 4, participant: 'P5', text: 'costs too much!!' },
      { code: 'speed', id: 5, participant: 'P3', text: 'slow' },
      { code: 'price', id: 6, participant: 'P0', text: 'the price doubled' },
      { code: 'price', id: 7, participant: 'P4', text: 'we pay far too much' },
    ];
    expect(picked(evidence, 2)).toEqual(
      new Map([
        ['price', [{ participant_id: 'P4', text: 'we pay far too much' }, { participant_id: 'P0', text: 'the price doubled' }]],
        ['speed', [{ participant_id: 'P3', text: 'slow' }]],
      ]),
    );
    expect(() => picked([evidence[1]!, evidence[0]!], 2)).toThrow(/ascending/);
  });

  it('equals the definition over all the evidence at once, whatever the texts, repeats and lengths', () => {
    const evidence = fc
      .array(fc.record({ code: fc.constantFrom('a', 'b', 'c'), participant: fc.constantFrom('P1', 'P2', 'P10', 'Q'), text: fc.constantFrom('x', 'y', 'xy', 'yz', 'xyz', 'abc', 'long text', 'z') }), { maxLength: 60 })
      .map((rows) => rows.map((r, i) => ({ ...r, id: 3 * i + 1 })));
    fc.assert(
      fc.property(evidence, fc.integer({ min: 1, max: 4 }), (rows, perTheme) => {
        expect(picked(rows, perTheme)).toEqual(pickedFromAll(rows, perTheme));
      }),
      { numRuns: 500 },
    );
  });
});
