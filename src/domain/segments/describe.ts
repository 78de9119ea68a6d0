/**
 * Describes segments of any origin (k-means or rules) the same way: size and share, profile in
 * original units, distinguishing features against the rest (BH-adjusted over the segmentation),
 * the members closest to the segment centre, and their most telling quotes.
 */
import { squaredDistance, type Matrix } from '../matrix.js';
import type { Encoding } from './encoding.js';
import type { ParticipantFacts } from './facts.js';
import { adjust, compareGroups, distinguishing, profileGroup, type FeatureComparison, type FeatureProfile } from './profile.js';
import { distinctiveWordCounts, quoteScore, subtractCounts, wordCounts, type DistinctiveWord } from './words.js';
import { pushTo } from '../collections.js';

export interface SegmentText {
  participant: number;
  kind: 'answer' | 'quote';
  question: string | null;
  text: string;
}

export interface SegmentDescription {
  segment_id: number;
  size: number;
  share: number;
  profile: FeatureProfile[];
  distinguishing: FeatureComparison[];
  representatives: { participant_id: string; distance: number | null }[];
  quotes: { participant_id: string; text: string }[];
  distinctive_words: DistinctiveWord[];
}

/** Mean encoded row of each group: the centre rules segments are described from. */
export function groupCentres(data: Matrix, groups: number[][]): Matrix {
  const centres = { rows: groups.length, cols: data.cols, data: new Float64Array(groups.length * data.cols) };
  groups.forEach((members, g) => {
    for (const i of members) for (let j = 0; j < data.cols; j++) centres.data[g * data.cols + j]! += data.data[i * data.cols + j]!;
    if (members.length > 0) for (let j = 0; j < data.cols; j++) centres.data[g * data.cols + j]! /= members.length;
  });
  return centres;
}

/**
 * @param groups row indices (into facts and data) of each segment, in segment order
 * @param population number of participants the shares are of
 */
export function describeSegments(encoding: Encoding, facts: ParticipantFacts[], data: Matrix, groups: number[][], texts: SegmentText[], population: number): SegmentDescription[] {
  const centres = groupCentres(data, groups);
  const inAny = new Set(groups.flat());
  // One BH family over every segment-vs-rest comparison of the segmentation.
  const raw = groups.map((members) => {
    const set = new Set(members);
    const rest = facts.filter((_, i) => !set.has(i) && inAny.has(i));
    return compareGroups(encoding, members.map((i) => facts[i]!), rest);
  });
  const flat = adjust(raw.flat());
  let offset = 0;
  const adjusted = raw.map((list) => {
    const part = flat.slice(offset, offset + list.length);
    offset += list.length;
    return part;
  });
  const textsByParticipant = new Map<number, SegmentText[]>();
  for (const t of texts) pushTo(textsByParticipant, t.participant, t);
  // Each participant's texts are tokenized once; a segment's rest is everyone's counts minus its own.
  const countsByParticipant = new Map([...textsByParticipant].map(([id, list]) => [id, wordCounts(list.map((t) => t.text))]));
  const allCounts = new Map<string, number>();
  for (const counts of countsByParticipant.values()) for (const [w, c] of counts) allCounts.set(w, (allCounts.get(w) ?? 0) + c);

  return groups.map((members, g) => {
    const memberFacts = members.map((i) => facts[i]!);
    const own = new Map<string, number>();
    for (const f of memberFacts) for (const [w, c] of countsByParticipant.get(f.id) ?? []) own.set(w, (own.get(w) ?? 0) + c);
    const words = distinctiveWordCounts(own, subtractCounts(allCounts, own)).a;
    const byDistance = members
      .map((i) => ({ i, d: Math.sqrt(squaredDistance(data.data, i * data.cols, centres.data, g * data.cols, data.cols)) }))
      .sort((a, b) => a.d - b.d || facts[a.i]!.id - facts[b.i]!.id);
    const representatives = byDistance.slice(0, 3).map(({ i, d }) => ({ participant_id: facts[i]!.participant_id, distance: d }));
    // Most telling quotes: from the members nearest the centre first, scored by distinctive words.
    const quotes: SegmentDescription['quotes'] = [];
    for (const { i } of byDistance) {
      if (quotes.length >= 3) break;
      const f = facts[i]!;
      const candidates = (textsByParticipant.get(f.id) ?? []).filter((t) => t.kind === 'quote' || t.text.length >= 40);
      if (candidates.length === 0) continue;
      const best = candidates.map((t) => ({ t, s: quoteScore(t.text, words) + (t.kind === 'quote' ? 0.5 : 0) })).sort((a, b) => b.s - a.s)[0]!;
      quotes.push({ participant_id: f.participant_id, text: best.t.text });
    }
    return {
      segment_id: g + 1,
      size: members.length,
      share: members.length / population,
      profile: profileGroup(encoding, memberFacts),
      distinguishing: distinguishing(adjusted[g]!),
      representatives,
      quotes,
      distinctive_words: words.slice(0, 6),
    };
  });
}

