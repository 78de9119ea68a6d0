/**
 * Describes segments of any origin (k-means or rules) the same way: size and share, profile in
 * original units, distinguishing features against the rest (BH-adjusted over the segmentation),
 * the members closest to the segment centre, and their most telling quotes.
 */
import { squaredDistance, type Matrix } from '../matrix.js';
import type { Encoding } from './encoding.js';
import type { ParticipantFacts } from './facts.js';
import { adjust, compareGroups, distinguishing, profileGroup, type FeatureComparison, type FeatureProfile } from './profile.js';
import { distinctiveWordCounts, quoteScore, subtractCounts, tokenize, type DistinctiveWord } from './words.js';
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

/** Reads the texts of some participants (by internal id), each participant's in a fixed order (from a store: a promise). */
export type TextReader = (participantIds: number[]) => SegmentText[] | Promise<SegmentText[]>;

/** Participants whose texts are read at once while counting words: bounds the texts held in memory. */
const TEXT_CHUNK = 5_000;
/** Members nearest a centre whose texts are read at once while looking for its quotes. */
const QUOTE_CHUNK = 32;

/**
 * Word counts of each segment and of every member once, reading the texts a chunk of members at a
 * time (not every member's texts and tokens at once). Each segment's counts take its words in the
 * order its members use them first, as counting member by member would.
 */
async function segmentWordCounts(facts: ParticipantFacts[], groups: number[][], readTexts: TextReader): Promise<{ own: Map<string, number>[]; all: Map<string, number> }> {
  const all = new Map<string, number>();
  const counted = new Uint8Array(facts.length);
  const own: Map<string, number>[] = [];
  for (const members of groups) {
    const counts = new Map<string, number>();
    for (let start = 0; start < members.length; start += TEXT_CHUNK) {
      const rows = members.slice(start, start + TEXT_CHUNK);
      const texts = await readTexts(rows.map((i) => facts[i]!.id));
      const byParticipant = new Map<number, SegmentText[]>();
      for (const t of texts) pushTo(byParticipant, t.participant, t);
      for (const i of rows) {
        const first = counted[i] === 0;
        counted[i] = 1;
        for (const t of byParticipant.get(facts[i]!.id) ?? [])
          for (const w of tokenize(t.text)) {
            counts.set(w, (counts.get(w) ?? 0) + 1);
            if (first) all.set(w, (all.get(w) ?? 0) + 1);
          }
      }
    }
    own.push(counts);
  }
  return { own, all };
}

/**
 * @param groups row indices (into facts and data) of each segment, in segment order
 * @param readTexts the members' texts, read a chunk at a time
 * @param population number of participants the shares are of
 */
export async function describeSegments(encoding: Encoding, facts: ParticipantFacts[], data: Matrix, groups: number[][], readTexts: TextReader, population: number): Promise<SegmentDescription[]> {
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
  // Each member's texts are tokenized once per segment it is in; a segment's rest is everyone's counts minus its own.
  const counts = await segmentWordCounts(facts, groups, readTexts);

  const descriptions: SegmentDescription[] = [];
  for (const [g, members] of groups.entries()) {
    const memberFacts = members.map((i) => facts[i]!);
    const own = counts.own[g]!;
    const words = distinctiveWordCounts(own, subtractCounts(counts.all, own)).a;
    const byDistance = members
      .map((i) => ({ i, d: Math.sqrt(squaredDistance(data.data, i * data.cols, centres.data, g * data.cols, data.cols)) }))
      .sort((a, b) => a.d - b.d || facts[a.i]!.id - facts[b.i]!.id);
    const representatives = byDistance.slice(0, 3).map(({ i, d }) => ({ participant_id: facts[i]!.participant_id, distance: d }));
    // Most telling quotes: from the members nearest the centre first, scored by distinctive words.
    // Their texts are read a few members at a time, until three quotes are found.
    const quotes: SegmentDescription['quotes'] = [];
    for (let start = 0; start < byDistance.length && quotes.length < 3; start += QUOTE_CHUNK) {
      const nearest = byDistance.slice(start, start + QUOTE_CHUNK);
      const textsByParticipant = new Map<number, SegmentText[]>();
      for (const t of await readTexts(nearest.map(({ i }) => facts[i]!.id))) pushTo(textsByParticipant, t.participant, t);
      for (const { i } of nearest) {
        if (quotes.length >= 3) break;
        const f = facts[i]!;
        const candidates = (textsByParticipant.get(f.id) ?? []).filter((t) => t.kind === 'quote' || t.text.length >= 40);
        if (candidates.length === 0) continue;
        const best = candidates.map((t) => ({ t, s: quoteScore(t.text, words) + (t.kind === 'quote' ? 0.5 : 0) })).sort((a, b) => b.s - a.s)[0]!;
        quotes.push({ participant_id: f.participant_id, text: best.t.text });
      }
    }
    descriptions.push({
      segment_id: g + 1,
      size: members.length,
      share: members.length / population,
      profile: profileGroup(encoding, memberFacts),
      distinguishing: distinguishing(adjusted[g]!),
      representatives,
      quotes,
      distinctive_words: words.slice(0, 6),
    });
  }
  return descriptions;
}

