/**
 * What a segmentation study still lacks, following the research-design advice the product
 * grew from: name the decision; 30–50 interviews; 3–5 open-ended and 3–4 structured
 * questions; a sample that includes new, long-tenure, churned and expanded customers (not only
 * happy ones); probing depth 2–3; exploratory or hybrid mode for discovery.
 */
import type { QuestionType } from './questions.js';
import { STRUCTURED_TYPES } from './questions.js';

export type CheckStatus = 'ok' | 'warn' | 'missing';
export interface ReadinessCheck {
  check: string;
  status: CheckStatus;
  message: string;
}

export interface StudyFacts {
  decision: string | null;
  mode: 'exploratory' | 'hybrid' | 'structured';
  probing_depth: number;
  questionTypes: QuestionType[];
  participants: number;
  interviewsCompleted: number;
  tags: { tag: string; count: number }[];
}

export const TARGET_INTERVIEWS = { min: 30, max: 50 } as const;

/** Lifecycle groups a segmentation sample should span, recognised from tag names. */
const SAMPLE_GROUPS: { group: string; pattern: RegExp }[] = [
  { group: 'new customers', pattern: /\b(new|onboarding|trial|first[_ -]?30)\b|^new/i },
  { group: 'long-tenure customers', pattern: /tenure|loyal|veteran|long|retained|renewed/i },
  { group: 'churned or at-risk customers', pattern: /churn|lapsed|cancel|at[_ -]?risk|downgrad|lost|inactive/i },
  { group: 'expanded customers', pattern: /expan|upgrad|upsell|added[_ -]?seats|grew|growth/i },
];

export function sampleGroupsCovered(tags: { tag: string; count: number }[]): { group: string; tags: string[]; participants: number }[] {
  return SAMPLE_GROUPS.map(({ group, pattern }) => {
    const matching = tags.filter((t) => pattern.test(t.tag));
    return { group, tags: matching.map((t) => t.tag), participants: matching.reduce((s, t) => s + t.count, 0) };
  });
}

export function readinessChecks(facts: StudyFacts): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [];
  checks.push(
    facts.decision
      ? { check: 'decision', status: 'ok', message: `Segments will inform: ${facts.decision}` }
      : { check: 'decision', status: 'missing', message: 'No decision named. Segments without a decision are a taxonomy exercise: say what the segments will inform (create_study decision).' },
  );

  const structured = facts.questionTypes.filter((t) => STRUCTURED_TYPES.includes(t)).length;
  const open = facts.questionTypes.filter((t) => t === 'open_ended').length;
  if (structured === 0) {
    checks.push({ check: 'structured_questions', status: 'missing', message: 'No structured questions: add 3–4 (scale, single_choice, ranking, yes_no) as quantitative anchors for clustering.' });
  } else if (structured < 3) {
    checks.push({ check: 'structured_questions', status: 'warn', message: `${structured} structured question(s); 3–4 give clustering enough anchors.` });
  } else {
    checks.push({ check: 'structured_questions', status: 'ok', message: `${structured} structured questions.` });
  }
  if (open === 0) {
    checks.push({ check: 'open_questions', status: 'missing', message: 'No open-ended questions: add 3–5 on discovery context, decision moment, value realization and ideal outcome.' });
  } else if (open < 3) {
    checks.push({ check: 'open_questions', status: 'warn', message: `${open} open-ended question(s); 3–5 cover discovery, decision and value realization.` });
  } else {
    checks.push({ check: 'open_questions', status: 'ok', message: `${open} open-ended questions.` });
  }

  const done = facts.interviewsCompleted;
  if (done < TARGET_INTERVIEWS.min) {
    checks.push({
      check: 'interviews',
      status: done === 0 ? 'missing' : 'warn',
      message: `${done} completed interview(s); target ${TARGET_INTERVIEWS.min}–${TARGET_INTERVIEWS.max} before drawing segments (${TARGET_INTERVIEWS.min - done} more).`,
    });
  } else {
    checks.push({ check: 'interviews', status: 'ok', message: `${done} completed interviews (target ${TARGET_INTERVIEWS.min}–${TARGET_INTERVIEWS.max}).` });
  }

  if (facts.participants === 0) {
    checks.push({ check: 'sample_mix', status: 'missing', message: 'No participants yet: import_participants with CRM attributes and lifecycle tags (new, long-tenure, churned, expanded).' });
  } else {
    const coverage = sampleGroupsCovered(facts.tags);
    const missing = coverage.filter((c) => c.participants === 0).map((c) => c.group);
    const churn = coverage.find((c) => c.group.startsWith('churned'))!;
    if (churn.participants === 0) {
      checks.push({
        check: 'sample_mix',
        status: 'warn',
        message: `Only happy customers? No participant is tagged churned or at-risk; the segments that matter for retention often live there.${missing.length > 1 ? ` Also missing: ${missing.filter((m) => m !== churn.group).join(', ')}.` : ''}`,
      });
    } else if (missing.length > 0) {
      checks.push({ check: 'sample_mix', status: 'warn', message: `The sample lacks ${missing.join(', ')} (recognised from tags).` });
    } else {
      checks.push({ check: 'sample_mix', status: 'ok', message: 'The sample spans new, long-tenure, churned and expanded customers.' });
    }
  }

  if (facts.probing_depth < 2) {
    checks.push({ check: 'probing_depth', status: 'warn', message: `Probing depth ${facts.probing_depth}: 2–3 follow-ups per question capture enough depth for pattern analysis.` });
  }
  if (facts.mode === 'structured') {
    checks.push({ check: 'mode', status: 'warn', message: 'Structured mode: exploratory or hybrid interviews find segment dimensions you have not thought of yet.' });
  }
  return checks;
}
