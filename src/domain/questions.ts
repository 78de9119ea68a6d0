/**
 * Question types and answer validation. Pure: no I/O, so every rule is unit-testable.
 */
import { listOf } from '../errors.js';

export const QUESTION_TYPES = ['open_ended', 'scale', 'single_choice', 'multiple_choice', 'ranking', 'yes_no'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const STRUCTURED_TYPES: readonly QuestionType[] = ['scale', 'single_choice', 'multiple_choice', 'ranking', 'yes_no'];

export interface Question {
  key: string;
  type: QuestionType;
  text: string;
  options: string[] | null;
  scale_min: number | null;
  scale_max: number | null;
  min_label: string | null;
  max_label: string | null;
  max_selections: number | null;
  /** multiple_choice: the fewest options an answer selects; null or 0 allows [] ("none of these"). */
  min_selections: number | null;
  required: boolean;
  probing_depth: number | null;
  position: number;
}

/** A question as an assistant describes it; the defaults are filled in by `normalizeQuestion`. */
export interface QuestionDraft {
  key?: string | undefined;
  type: QuestionType;
  text: string;
  options?: string[] | undefined;
  scale_min?: number | undefined;
  scale_max?: number | undefined;
  min_label?: string | undefined;
  max_label?: string | undefined;
  max_selections?: number | undefined;
  min_selections?: number | undefined;
  required?: boolean | undefined;
  probing_depth?: number | undefined;
}

/** The stored form of an answer: a number (scale, yes_no), text, or a list of options. */
export type AnswerValue = number | string | string[];

/** How a multiple-choice answer that selects no option ([]) is labelled in groupings and crosstabs. */
export const NONE_OF_THESE = '(none of these)';

export const DEFAULT_SCALE = { min: 1, max: 10 } as const;

/**
 * Bounds that keep every question readable in one tool result and every summary of it within the
 * output budget: questions per study, options per question, points on a scale, and the size of a
 * question as JSON (its text, options and labels).
 */
export const MAX_QUESTIONS_PER_STUDY = 200;
export const MAX_OPTIONS = 50;
export const MAX_SCALE_POINTS = 101;
export const QUESTION_MAX_CHARS = 5000;

/** Lower-case ASCII slug, words joined by underscores, at most 48 characters. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return (slug || 'q').slice(0, 48).replace(/_+$/, '');
}

export const KEY_PATTERN = /^[a-z][a-z0-9_]*$/;

/**
 * Checks a question draft and fills defaults. Returns the problems found (each naming the
 * field) or the question. `taken` holds keys already used in the study (and earlier drafts).
 */
export function normalizeQuestion(
  draft: QuestionDraft,
  position: number,
  taken: Set<string>,
  label: string,
): { question: Question; problems: string[] } {
  const problems: string[] = [];
  const text = draft.text.trim();
  if (!text) problems.push(`${label}.text: must not be empty`);

  let key = draft.key?.trim();
  if (key !== undefined) {
    if (!KEY_PATTERN.test(key)) {
      problems.push(`${label}.key: "${key}" must be lower-case letters, digits and underscores, starting with a letter (e.g. "${slugify(key)}")`);
    } else if (taken.has(key)) {
      problems.push(`${label}.key: "${key}" is already used in this study; pick another key`);
    }
  } else {
    const base = /^[a-z]/.test(slugify(text)) ? slugify(text) : `q_${slugify(text)}`;
    key = base;
    for (let n = 2; taken.has(key); n++) key = `${base}_${n}`;
  }
  taken.add(key);

  const needsOptions = draft.type === 'single_choice' || draft.type === 'multiple_choice' || draft.type === 'ranking';
  let options: string[] | null = null;
  if (needsOptions) {
    options = (draft.options ?? []).map((o) => o.trim()).filter((o) => o.length > 0);
    if (options.length < 2) problems.push(`${label}.options: a ${draft.type} question needs at least 2 options`);
    if (options.length > MAX_OPTIONS) problems.push(`${label}.options: ${options.length} options; a question takes at most ${MAX_OPTIONS}`);
    const seen = new Set<string>();
    for (const option of options) {
      const folded = option.toLowerCase();
      if (seen.has(folded)) problems.push(`${label}.options: "${option}" appears twice (options are matched case-insensitively)`);
      seen.add(folded);
    }
  } else if (draft.options && draft.options.length > 0) {
    problems.push(`${label}.options: only single_choice, multiple_choice and ranking questions take options (this one is ${draft.type})`);
  }

  let scaleMin: number | null = null;
  let scaleMax: number | null = null;
  if (draft.type === 'scale') {
    scaleMin = draft.scale_min ?? DEFAULT_SCALE.min;
    scaleMax = draft.scale_max ?? DEFAULT_SCALE.max;
    if (!(scaleMin < scaleMax)) problems.push(`${label}.scale_min/scale_max: scale_min (${scaleMin}) must be below scale_max (${scaleMax})`);
    else if (scaleMax - scaleMin + 1 > MAX_SCALE_POINTS) problems.push(`${label}.scale_min/scale_max: ${scaleMin}–${scaleMax} spans more than ${MAX_SCALE_POINTS} points (0–100 is the widest scale)`);
  } else if (draft.scale_min !== undefined || draft.scale_max !== undefined) {
    problems.push(`${label}.scale_min/scale_max: only scale questions take a range (this one is ${draft.type})`);
  }

  // A multiple_choice bound: only that type takes one, and it cannot ask for more than the options.
  const selectionBound = (field: 'max_selections' | 'min_selections'): number | null => {
    const value = draft[field];
    if (value === undefined) return null;
    if (draft.type !== 'multiple_choice') problems.push(`${label}.${field}: only multiple_choice questions take ${field} (this one is ${draft.type})`);
    else if (options && value > options.length) problems.push(`${label}.${field}: ${value} is more than the ${options.length} options`);
    else return value;
    return null;
  };
  const maxSelections = selectionBound('max_selections');
  let minSelections = selectionBound('min_selections');
  if (minSelections !== null && maxSelections !== null && minSelections > maxSelections) {
    problems.push(`${label}.min_selections: ${minSelections} is more than max_selections (${maxSelections})`);
    minSelections = null;
  }

  const question: Question = {
    key,
    type: draft.type,
    text,
    options,
    scale_min: scaleMin,
    scale_max: scaleMax,
    min_label: draft.type === 'scale' ? (draft.min_label ?? null) : null,
    max_label: draft.type === 'scale' ? (draft.max_label ?? null) : null,
    max_selections: maxSelections,
    min_selections: minSelections,
    required: draft.required ?? false,
    probing_depth: draft.probing_depth ?? null,
    position,
  };
  const size = JSON.stringify(question).length;
  if (size > QUESTION_MAX_CHARS) {
    problems.push(`${label}: the question's text, options and labels take ${size} characters as JSON; the limit is ${QUESTION_MAX_CHARS}: shorten the text or the options`);
  }
  return { problems, question };
}

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0']);

type Checked = { ok: true; value: AnswerValue } | { ok: false; message: string };

function show(value: unknown): string {
  return JSON.stringify(value);
}

function matchOption(question: Question, raw: unknown): string | undefined {
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const folded = String(raw).trim().toLowerCase();
  return question.options?.find((o) => o.toLowerCase() === folded);
}

/**
 * Validates an answer against its question and returns the canonical stored value:
 * choices matched case-insensitively to the option text, yes/no as 1/0, scales as numbers.
 * An error message names the question, the value and what is allowed.
 */
export function checkAnswer(question: Question, raw: unknown): Checked {
  const where = `answer to "${question.key}" (${question.type})`;
  switch (question.type) {
    case 'open_ended': {
      if (typeof raw !== 'string' || raw.trim() === '') {
        return { ok: false, message: `${where}: ${show(raw)} is not allowed; give non-empty text` };
      }
      return { ok: true, value: raw.trim() };
    }
    case 'scale': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      const min = question.scale_min!;
      const max = question.scale_max!;
      if (!Number.isFinite(n) || n < min || n > max) {
        return { ok: false, message: `${where}: ${show(raw)} is not allowed; give a number from ${min} to ${max}` };
      }
      return { ok: true, value: n };
    }
    case 'yes_no': {
      if (typeof raw === 'boolean') return { ok: true, value: raw ? 1 : 0 };
      const folded = String(raw).trim().toLowerCase();
      if (YES.has(folded)) return { ok: true, value: 1 };
      if (NO.has(folded)) return { ok: true, value: 0 };
      return { ok: false, message: `${where}: ${show(raw)} is not allowed; give true/false or "yes"/"no"` };
    }
    case 'single_choice': {
      const option = matchOption(question, raw);
      if (option === undefined) {
        return { ok: false, message: `${where}: ${show(raw)} is not one of the options ${listOf(question.options!)}` };
      }
      return { ok: true, value: option };
    }
    case 'multiple_choice':
    case 'ranking': {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[;|]/).filter((s) => s.trim()) : null;
      // [] is an answer to a multiple choice: none of the options applies (unless the question needs some).
      const noneAllowed = question.type === 'multiple_choice' && Array.isArray(raw) && !(question.min_selections && question.min_selections > 0);
      if (!items || (items.length === 0 && !noneAllowed)) {
        const shape =
          question.type === 'ranking'
            ? 'a list of options in ranked order, first = most important'
            : question.min_selections
              ? `a list of at least ${question.min_selections} option(s)`
              : 'a list of options ([] for none of them)';
        return { ok: false, message: `${where}: ${show(raw)} is not allowed; give ${shape} from ${listOf(question.options!)}` };
      }
      const chosen: string[] = [];
      for (const item of items) {
        const option = matchOption(question, item);
        if (option === undefined) {
          return { ok: false, message: `${where}: ${show(item)} is not one of the options ${listOf(question.options!)}` };
        }
        if (chosen.includes(option)) return { ok: false, message: `${where}: "${option}" is listed twice; each option may appear once` };
        chosen.push(option);
      }
      if (question.type === 'multiple_choice' && question.max_selections !== null && chosen.length > question.max_selections) {
        return { ok: false, message: `${where}: ${chosen.length} options chosen but at most ${question.max_selections} are allowed` };
      }
      if (question.type === 'multiple_choice' && question.min_selections && chosen.length < question.min_selections) {
        return { ok: false, message: `${where}: ${chosen.length} option(s) chosen but at least ${question.min_selections} are needed` };
      }
      return { ok: true, value: chosen };
    }
  }
}

/** Turns a stored value back into what an assistant reads (yes_no as "yes"/"no"). */
export function presentAnswer(question: Pick<Question, 'type'>, stored: AnswerValue): string | number | string[] {
  if (question.type === 'yes_no') return stored === 1 ? 'yes' : 'no';
  return stored;
}
