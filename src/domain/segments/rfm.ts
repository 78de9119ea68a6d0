/**
 * RFM scoring: quintile scores 1–5 for recency, frequency and monetary value, and the R–F
 * segment map used by most RFM guides (Champions, Loyal Customers, …, Hibernating).
 * Ties: a value's score is floor(5 × share of values ranked strictly worse) + 1, so equal values
 * always share a score and no score depends on row order.
 * Recency: a number (e.g. days since last order) scores higher when smaller; a date scores
 * higher when later.
 */
import type { ParticipantFacts } from './facts.js';

export interface RfmScore {
  r: number;
  f: number;
  m: number;
  code: string;
  segment: RfmSegmentName;
}

/** In display order; each covers a set of R–F cells, together all 25. */
export const RFM_SEGMENTS = [
  { name: 'Champions', cells: /^5[45]$/, description: 'Bought recently, buy often and spend the most.' },
  { name: 'Loyal Customers', cells: /^[34][45]$/, description: 'Buy often; responsive to loyalty programmes.' },
  { name: 'Potential Loyalists', cells: /^[45][23]$/, description: 'Recent customers with average frequency.' },
  { name: 'New Customers', cells: /^51$/, description: 'Bought most recently, but only once or rarely.' },
  { name: 'Promising', cells: /^41$/, description: 'Recent but infrequent.' },
  { name: 'Need Attention', cells: /^33$/, description: 'Above-average recency and frequency, slipping.' },
  { name: 'About to Sleep', cells: /^3[12]$/, description: 'Below-average recency and frequency.' },
  { name: 'At Risk', cells: /^[12][34]$/, description: 'Used to buy often, not seen for a while.' },
  { name: "Can't Lose Them", cells: /^[12]5$/, description: 'Were among the most frequent; gone quiet.' },
  { name: 'Hibernating', cells: /^[12][12]$/, description: 'Last order long ago, few orders.' },
] as const;
export type RfmSegmentName = (typeof RFM_SEGMENTS)[number]['name'];

/** Quintile score 1–5 per value; higher input → higher score. Nulls stay null. */
export function quintileScores(values: readonly (number | null)[]): (number | null)[] {
  const present = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const n = present.length;
  return values.map((v) => {
    if (v === null) return null;
    // Values strictly below v: binary search for the first index with present[i] >= v.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (present[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return Math.min(5, Math.floor((5 * lo) / n) + 1);
  });
}

export function rfmSegment(r: number, f: number): RfmSegmentName {
  const cell = `${r}${f}`;
  const found = RFM_SEGMENTS.find((s) => s.cells.test(cell));
  if (!found) throw new Error(`rfm: no segment for cell ${cell}`);
  return found.name;
}

/** RFM scores of participants from three attributes (names with or without the attr. prefix). */
export function scoreParticipants(facts: readonly ParticipantFacts[], names: { recency: string; frequency: string; monetary: string }, recencyIsDate: boolean): (RfmScore | null)[] {
  const read = (f: ParticipantFacts, name: string, date: boolean): number | null => {
    const v = f.attribute(name.replace(/^attr\./, ''));
    if (date) {
      const t = typeof v === 'string' ? Date.parse(v) : NaN;
      return Number.isFinite(t) ? t : null;
    }
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  return scoreRfm(
    facts.map((f) => read(f, names.recency, recencyIsDate)),
    facts.map((f) => read(f, names.frequency, false)),
    facts.map((f) => read(f, names.monetary, false)),
    recencyIsDate,
  );
}

export function scoreRfm(recency: (number | null)[], frequency: (number | null)[], monetary: (number | null)[], recencyIsDate: boolean): (RfmScore | null)[] {
  const r = quintileScores(recencyIsDate ? recency : recency.map((v) => (v === null ? null : -v)));
  const f = quintileScores(frequency);
  const m = quintileScores(monetary);
  return r.map((ri, i) => {
    const fi = f[i]!;
    const mi = m[i]!;
    if (ri === null || fi === null || mi === null) return null;
    return { r: ri, f: fi, m: mi, code: `${ri}${fi}${mi}`, segment: rfmSegment(ri, fi) };
  });
}
