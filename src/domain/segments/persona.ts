/**
 * A persona card per segment in the template of the segmentation guide (role, context, goals,
 * frustrations, behaviours, a representative quote), built only from data: every claim carries
 * the participant ids it rests on, so a reader can check it.
 *   role, context  most common attribute values and lifecycle tags among members
 *   goals          over-represented themes that read as aims, and answers to outcome questions
 *   frustrations   over-represented themes that read as pains, with their evidence
 *   behaviours     the segment's distinguishing answers and attributes
 */
import type { ParticipantFacts, StudyCatalog } from './facts.js';
import type { FeatureComparison } from './profile.js';
import { percent } from '../format.js';

export interface Claim {
  text: string;
  participant_ids: string[];
}

export interface PersonaCard {
  name: string;
  role: Claim | null;
  context: Claim[];
  goals: Claim[];
  frustrations: Claim[];
  behaviours: Claim[];
  quote: { text: string; participant_id: string } | null;
  narrative: string | null;
}

const ROLE_ATTRIBUTE = /^(role|title|job|job_title|position|department|function|persona)$/i;
const PAIN = /\b(pain|frustrat|friction|confus|unclear|slow|expens|cost|churn|risk|missing|lack|bug|hard|difficult|stuck|complain|guidance|block|review|long|problem|issue|fail|broken|manual|waiting|gave up|unsure)/i;
const OUTCOME_QUESTION = /outcome|goal|ideal|success|hope|wish|want|magic wand|job to be done/i;
const CITE = 6;

function cite(facts: ParticipantFacts[]): string[] {
  return facts.slice(0, CITE).map((f) => f.participant_id);
}

export interface PersonaInput {
  name: string;
  narrative: string | null;
  members: ParticipantFacts[];
  rest: ParticipantFacts[];
  catalog: StudyCatalog;
  distinguishing: FeatureComparison[];
  evidence: { participant: number; code: string; evidence: string }[];
  /** The outcome question's answers (outcomeQuestion) members gave most (CommonAnswers). */
  answers: Claim[];
  quote: { text: string; participant_id: string } | null;
}

/** The open question whose answers read as goals, if any: the only texts a persona quotes. */
export function outcomeQuestion(catalog: StudyCatalog) {
  return catalog.questions.find((q) => q.type === 'open_ended' && (OUTCOME_QUESTION.test(q.key) || OUTCOME_QUESTION.test(q.text)));
}

export function personaCard(input: PersonaInput): PersonaCard {
  const { members, rest, catalog } = input;
  const n = members.length;
  const mostCommon = (name: string) => {
    const counts = new Map<string, Holders<ParticipantFacts>>();
    for (const f of members) {
      const v = f.attribute(name);
      if (typeof v === 'string' || typeof v === 'boolean') hold(counts, String(v), f);
    }
    const [value, who] = mostHeld(counts)[0] ?? [null, null];
    return value === null ? null : { value, who };
  };

  const roleAttribute = catalog.attributes.find((a) => ROLE_ATTRIBUTE.test(a.name) && (a.type === 'category' || a.type === 'text'));
  const roleTop = roleAttribute ? mostCommon(roleAttribute.name) : null;
  const role = roleTop ? { text: `${roleTop.value} (${roleTop.who.n} of ${n})`, participant_ids: cite(roleTop.who.first) } : null;

  const context: Claim[] = [];
  for (const a of catalog.attributes) {
    if (a.type !== 'category' || a === roleAttribute) continue;
    const top = mostCommon(a.name);
    if (top && top.who.n / n >= 0.4) context.push({ text: `${a.name}: ${top.value} (${percent(top.who.n / n)})`, participant_ids: cite(top.who.first) });
  }
  const tagCounts = new Map<string, Holders<ParticipantFacts>>();
  for (const f of members) for (const t of f.tags) hold(tagCounts, t, f);
  for (const [tag, who] of mostHeld(tagCounts).slice(0, 2)) {
    if (who.n / n >= 0.3) context.push({ text: `tagged ${tag} (${percent(who.n / n)})`, participant_ids: cite(who.first) });
  }

  // Themes over-represented among members: share ≥ 25% and at least 1.5× the rest's share.
  const goals: Claim[] = [];
  const frustrations: Claim[] = [];
  const interviewedRest = rest.filter((f) => f.status !== 'not_interviewed').length || 1;
  // Who has each theme, in one pass over members and one over the rest.
  let memberIds: Set<number> | null = null;
  for (const code of catalog.themes) {
    const who: ParticipantFacts[] = [];
    let count = 0;
    for (const f of members) {
      if (!f.hasTheme(code)) continue;
      if (count < CITE) who.push(f);
      count++;
    }
    let restCount = 0;
    for (const f of rest) if (f.hasTheme(code)) restCount++;
    const share = count / n;
    const restShare = restCount / interviewedRest;
    if (share < 0.25 || share < 1.5 * restShare) continue;
    // Evidence for a code comes from participants coded with it: a member's evidence is theirs.
    const ids = (memberIds ??= new Set(members.map((f) => f.id)));
    const example = input.evidence.find((e) => e.code === code && ids.has(e.participant) && e.evidence.trim() !== '');
    const text = `${code.replace(/_/g, ' ')} (${percent(share)} vs ${percent(restShare)} elsewhere)${example ? `: "${example.evidence}"` : ''}`;
    (PAIN.test(code.replace(/_/g, ' ')) || (example && PAIN.test(example.evidence)) ? frustrations : goals).push({ text, participant_ids: cite(who) });
  }
  goals.push(...input.answers);

  const behaviours: Claim[] = input.distinguishing.slice(0, 5).map((c) => {
    // Cite the members who show the behaviour: chose the option, or sit on the segment's side of the rest's mean.
    const who = citeWhere(members, showsBehaviour(c));
    return { text: c.description, participant_ids: who.map((f) => f.participant_id) };
  });

  return { name: input.name, role, context, goals: goals.slice(0, 4), frustrations: frustrations.slice(0, 4), behaviours, quote: input.quote, narrative: input.narrative };
}

/** Per value, how many hold it and the first CITE of them (not all: a segment can have 100,000 members). */
interface Holders<T> {
  n: number;
  first: T[];
}

function hold<T>(map: Map<string, Holders<T>>, key: string, who: T): void {
  const held = map.get(key);
  if (!held) map.set(key, { n: 1, first: [who] });
  else if (held.n++ < CITE) held.first.push(who);
}

/** Values held by most first; ties in the order first seen. */
function mostHeld<T>(map: Map<string, Holders<T>>): [string, Holders<T>][] {
  return [...map.entries()].sort((a, b) => b[1].n - a[1].n);
}

/** Answers quoted per persona: the two given most. */
const COMMON_ANSWERS = 2;

/**
 * The answers that most members of a segment gave word for word, fed one at a time in reading
 * order: a count and the first CITE who gave each, not a list of everyone. `givenOnce` tells a text
 * nobody else in the study gave (repeatedHashes): of those only the first COMMON_ANSWERS are kept,
 * as nothing given once can outrank them, so memory grows with the repeated texts only.
 */
export class CommonAnswers {
  private readonly byText = new Map<string, { n: number; first: string[]; at: number }>();
  private readonly once: { text: string; n: number; first: string[]; at: number }[] = [];
  private read = 0;

  constructor(private readonly givenOnce: (text: string) => boolean = () => false) {}

  add(text: string, participantId: string): void {
    const at = this.read++;
    if (this.givenOnce(text)) {
      if (this.once.length < COMMON_ANSWERS) this.once.push({ text, n: 1, first: [participantId], at });
      return;
    }
    const held = this.byText.get(text);
    if (!held) this.byText.set(text, { n: 1, first: [participantId], at });
    else if (held.n++ < CITE) held.first.push(participantId);
  }

  /** The answers given most (ties in reading order), each a claim citing who gave it. */
  claims(): Claim[] {
    const all = [...[...this.byText].map(([text, held]) => ({ text, ...held })), ...this.once];
    return all
      .sort((a, b) => b.n - a.n || a.at - b.at)
      .slice(0, COMMON_ANSWERS)
      .map((a) => ({ text: `"${a.text}"`, participant_ids: a.first }));
  }
}

/** A text's 32-bit FNV-1a hash (over its UTF-16 code units). */
export function textHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The hashes seen more than once: a text whose hash is not among them was given once (equal texts hash equally). */
export function repeatedHashes(hashes: ArrayLike<number>): Set<number> {
  const sorted = Uint32Array.from(hashes).sort();
  const repeated = new Set<number>();
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) repeated.add(sorted[i]!);
  return repeated;
}

/** The first CITE participants that meet `test` (stops there: segments can have 100,000 members). */
function citeWhere(facts: ParticipantFacts[], test: (f: ParticipantFacts) => boolean): ParticipantFacts[] {
  const out: ParticipantFacts[] = [];
  for (const f of facts) {
    if (out.length === CITE) break;
    if (test(f)) out.push(f);
  }
  return out;
}

function showsBehaviour(c: FeatureComparison): (f: ParticipantFacts) => boolean {
  const [kind, rest] = [c.field.split('.')[0], c.field.slice(c.field.indexOf('.') + 1)];
  const higher = (c.difference ?? 0) > 0;
  if (c.field === 'theme') return (f) => c.option !== null && f.hasTheme(c.option) === higher;
  const valueOf = (f: ParticipantFacts) => (kind === 'answer' ? f.answer(rest) : kind === 'attr' ? f.attribute(rest) : undefined);
  return (f) => {
    const value = valueOf(f);
    if (value === undefined) return false;
    if (c.measure === 'rank_points' && Array.isArray(value)) {
      // Ranked in the top two when the segment ranks the option higher; outside them when lower.
      const rank = value.indexOf(c.option!);
      const topTwo = rank >= 0 && rank <= 1;
      return higher ? topTwo : !topTwo;
    }
    if (c.measure === 'share') {
      const has = c.option === null ? value === 1 || value === true : Array.isArray(value) ? value.includes(c.option) : value === c.option;
      return has === higher;
    }
    return typeof value === 'number' && c.b !== null && (higher ? value > c.b : value < c.b);
  };
}
