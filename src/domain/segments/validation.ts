/**
 * The five segmentation criteria (measurable, substantial, accessible, differentiable,
 * actionable) and the anti-patterns of the segmentation guides, as pass / warn / fail verdicts
 * with the evidence behind each. Thresholds are constants here so the docs can quote them.
 */
import { decimal, percent } from '../format.js';
export type Verdict = 'pass' | 'warn' | 'fail';

export interface Check {
  verdict: Verdict;
  evidence: string;
}

export const THRESHOLDS = {
  /** Typing-tool precision and recall for a segment to count as measurable. */
  measurable: { pass: 0.8, warn: 0.6 },
  /** Share of participants and head count. */
  substantial: { passShare: 0.1, passCount: 20, failShare: 0.05, failCount: 5 },
  /** Share of members reachable by email or a contact attribute. */
  accessible: { pass: 0.9, warn: 0.6 },
  /** Mean silhouette (Kaufman & Rousseeuw 1990: > 0.5 reasonable structure, < 0.25 none). */
  silhouette: { pass: 0.5, warn: 0.25 },
  /** Word overlap (Jaccard) above which two playbooks count as the same. */
  playbookOverlap: 0.6,
  maxSegments: { warn: 5, fail: 7 },
} as const;

export function worst(verdicts: Verdict[]): Verdict {
  return verdicts.includes('fail') ? 'fail' : verdicts.includes('warn') ? 'warn' : 'pass';
}

export function measurable(precision: number, recall: number, rule: string): Check {
  const t = THRESHOLDS.measurable;
  const low = Math.min(precision, recall);
  const verdict: Verdict = low >= t.pass ? 'pass' : low >= t.warn ? 'warn' : 'fail';
  return { verdict, evidence: `Typing rule ${rule} finds the segment with precision ${percent(precision)} and recall ${percent(recall)}.` };
}

export function substantial(count: number, share: number): Check {
  const t = THRESHOLDS.substantial;
  const verdict: Verdict = share >= t.passShare && count >= t.passCount ? 'pass' : share < t.failShare || count < t.failCount ? 'fail' : 'warn';
  const why = verdict === 'pass' ? '' : count < t.passCount ? ` (below ~${t.passCount}–30 participants: treat its profile as directional)` : ` (below ${percent(t.passShare)} of participants)`;
  return { verdict, evidence: `${count} participants, ${percent(share)} of those segmented${why}.` };
}

export function accessible(reachable: number, count: number, via: string[]): Check {
  const share = count ? reachable / count : 0;
  const t = THRESHOLDS.accessible;
  return {
    verdict: share >= t.pass ? 'pass' : share >= t.warn ? 'warn' : 'fail',
    evidence: `${reachable} of ${count} members (${percent(share)}) reachable via ${via.join(' or ')}.`,
  };
}

export function differentiable(input: { stability: { jaccard: number; verdict: string } | null; indistinct: string[]; others: number }): Check {
  const parts: string[] = [];
  let verdict: Verdict = 'pass';
  if (input.stability) {
    parts.push(`bootstrap Jaccard ${decimal(input.stability.jaccard, 3)} (${input.stability.verdict})`);
    if (input.stability.verdict === 'dissolved') verdict = 'fail';
    else if (input.stability.verdict === 'doubtful') verdict = 'warn';
  }
  if (input.others > 0) {
    if (input.indistinct.length === 0) parts.push(`differs significantly (q < 0.05) from every other segment`);
    else {
      parts.push(`no significant difference from ${input.indistinct.join(', ')}`);
      verdict = 'fail';
    }
  }
  return { verdict, evidence: `${parts.join('; ')}.` };
}

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/\p{L}{3,}/gu) ?? []);
}

export function playbookSimilarity(a: string, b: string): number {
  const x = words(a);
  const y = words(b);
  if (x.size === 0 || y.size === 0) return 0;
  let both = 0;
  for (const w of x) if (y.has(w)) both++;
  return both / (x.size + y.size - both);
}

export function actionable(playbook: Record<string, string | undefined> | null, others: { label: string; playbook: Record<string, string | undefined> | null }[]): Check {
  const teams = Object.entries(playbook ?? {}).filter(([, v]) => v && v.trim()).map(([k]) => k);
  if (teams.length === 0) return { verdict: 'fail', evidence: 'No playbook yet: record what product, marketing, sales and customer success do differently (update_segment).' };
  const text = Object.values(playbook!).join(' ');
  const same = others.filter((o) => o.playbook && playbookSimilarity(text, Object.values(o.playbook).join(' ')) > THRESHOLDS.playbookOverlap).map((o) => o.label);
  if (same.length > 0) return { verdict: 'warn', evidence: `Playbook for ${teams.join(', ')} is nearly the same as ${same.join(', ')}'s: if two segments get the same playbook, merge them.` };
  if (teams.length < 2) return { verdict: 'warn', evidence: `Playbook covers only ${teams[0]}; add what the other teams do differently.` };
  return { verdict: 'pass', evidence: `Playbook covers ${teams.join(', ')} and differs from the other segments'.` };
}

const DEMOGRAPHIC_ATTRIBUTE = /\b(age|gender|sex|region|country|city|state|location|industry|sector|size|employees|headcount|income|revenue|title|role|seniority|language|company)\b/i;

/** True when every feature or rule field is a demographic or firmographic attribute. */
export function demographicOnly(fields: string[], attributeTypes: Map<string, string>): boolean {
  if (fields.length === 0) return false;
  return fields.every((f) => {
    if (!f.startsWith('attr.')) return false;
    const name = f.slice(5);
    return attributeTypes.get(name) === 'category' || DEMOGRAPHIC_ATTRIBUTE.test(name.replace(/[_.-]/g, ' '));
  });
}

const UNHAPPY_TAG = /churn|at[-_ ]?risk|lost|cancel|detractor|downgrad|lapsed|inactive|dormant|unhappy/i;

export function sampleBalance(tagCounts: { tag: string; count: number }[], participants: number): Check {
  const unhappy = tagCounts.filter((t) => UNHAPPY_TAG.test(t.tag));
  const count = unhappy.reduce((s, t) => s + t.count, 0);
  if (unhappy.length === 0) {
    return { verdict: 'warn', evidence: 'No churned or at-risk participants are tagged: if only happy customers were sampled, the segments that matter for retention are missing. Tag lifecycle (e.g. churned, at-risk) on import.' };
  }
  const share = participants ? count / participants : 0;
  return {
    verdict: share >= 0.15 ? 'pass' : 'warn',
    evidence: `${unhappy.map((t) => `${t.tag} ${t.count}`).join(', ')} (${percent(share)} of ${participants})${share >= 0.15 ? '' : ': few unhappy customers; the picture may be rosier than the base'}.`,
  };
}

export function segmentCount(k: number): Check {
  const t = THRESHOLDS.maxSegments;
  return {
    verdict: k > t.fail ? 'fail' : k > t.warn ? 'warn' : 'pass',
    evidence: `${k} segments${k > t.warn ? ': more than teams can serve differently (3–5 is the usual advice)' : ''}.`,
  };
}

/** Words that make a segment name a demographic bucket rather than a behaviour or motivation. */
const DEMOGRAPHIC_NAME = /\b(smb|mid-?market|enterprise|small business(es)?|large compan(y|ies)|aged?|\d+\s*[-–]\s*\d+|years? old|male|female|men|women|millennials?|gen ?[xyz]|boomers?|employees|revenue|region|emea|apac|us|uk|europe)\b/i;

export function demographicName(name: string): boolean {
  return DEMOGRAPHIC_NAME.test(name);
}
