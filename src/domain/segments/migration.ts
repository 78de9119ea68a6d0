/**
 * Segment migration between two segmentations of the same people (a re-run, or a later wave
 * with the same participant ids): which segment of the second corresponds to which of the
 * first, and who stayed, moved, arrived or left.
 * Matching: by name when both segments are named; the rest by the Hungarian assignment on
 * centre distance (k-means: the second's centres decoded to original units and re-encoded with
 * the first's encoding) or, when centres cannot be compared, on member overlap (1 − Jaccard).
 */
import { hungarian, jaccard } from '../clustering/agreement.js';
import type { Encoding } from './encoding.js';

export interface MigrationSegment {
  segment_id: number;
  name: string | null;
  /** Centre in the segmentation's own encoded units (k-means). */
  centre: number[] | null;
  members: Set<string>;
}

export interface SegmentMatch {
  from: number;
  to: number;
  by: 'name' | 'centre' | 'overlap';
  /** Centre distance (by centre) or Jaccard overlap (by overlap / name). */
  value: number;
}

/** Raw (original-unit, transformed) value per column name of a centre. */
function decodeCentre(encoding: Encoding, centre: number[]): Map<string, number> {
  const out = new Map<string, number>();
  let c = 0;
  for (const f of encoding.features) {
    for (const col of f.columns) {
      out.set(col.name, col.factor === 0 ? col.centre : (centre[c]! / col.factor) * col.scale + col.centre);
      c++;
    }
  }
  return out;
}

/** Distance between a centre of `from` and a centre of `to`, over the columns both encodings have. */
export function centreDistances(fromEncoding: Encoding, from: number[][], toEncoding: Encoding, to: number[][]): number[][] | null {
  const columns = fromEncoding.features.flatMap((f) => f.columns);
  const decodedTo = to.map((c) => decodeCentre(toEncoding, c));
  const shared = columns.filter((col) => decodedTo[0]?.has(col.name));
  if (shared.length === 0) return null;
  const position = new Map(columns.map((col, i) => [col.name, i]));
  return from.map((fc) =>
    decodedTo.map((tc) => {
      let sum = 0;
      for (const col of shared) {
        const encoded = ((tc.get(col.name)! - col.centre) / col.scale) * col.factor;
        sum += (fc[position.get(col.name)!]! - encoded) ** 2;
      }
      return Math.sqrt(sum);
    }),
  );
}

export function matchSegments(from: MigrationSegment[], to: MigrationSegment[], distances: number[][] | null): SegmentMatch[] {
  const matches: SegmentMatch[] = [];
  const usedTo = new Set<number>();
  const fold = (s: string | null) => s?.trim().toLowerCase() ?? null;
  for (const [i, f] of from.entries()) {
    const j = to.findIndex((t, k) => !usedTo.has(k) && f.name !== null && fold(t.name) === fold(f.name));
    if (j >= 0) {
      usedTo.add(j);
      matches.push({ from: i, to: j, by: 'name', value: jaccard(f.members, to[j]!.members) });
    }
  }
  const restFrom = from.map((_, i) => i).filter((i) => !matches.some((m) => m.from === i));
  const restTo = to.map((_, j) => j).filter((j) => !usedTo.has(j));
  if (restFrom.length && restTo.length) {
    const byCentre = distances !== null;
    const cost = restFrom.map((i) => restTo.map((j) => (byCentre ? distances![i]![j]! : 1 - jaccard(from[i]!.members, to[j]!.members))));
    hungarian(cost).forEach((col, r) => {
      if (col < 0) return;
      const i = restFrom[r]!;
      const j = restTo[col]!;
      matches.push({ from: i, to: j, by: byCentre ? 'centre' : 'overlap', value: byCentre ? distances![i]![j]! : jaccard(from[i]!.members, to[j]!.members) });
    });
  }
  return matches.sort((a, b) => a.from - b.from);
}
