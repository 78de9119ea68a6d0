/**
 * Removing an erased person from stored JSON (segment texts, segmentation summaries, audit
 * summaries): list entries that are them (their id, or an object whose participant_id is theirs)
 * are dropped, and any text that is or contains what identifies them or what they said is replaced.
 */
export const ERASED = '[erased]';

export interface PersonMarks {
  /** Matched whole: participant id, e-mail, name (ids like "c1" are too short to search inside text). */
  exact: string[];
  /** Matched anywhere in a text, ignoring case: e-mail, name, what they said. */
  within: string[];
}

/**
 * Marks from a person's identifiers (matched whole, and inside text from 6 characters) and what
 * they said (inside text from 12 characters: shorter phrases are too common to be theirs).
 */
export function personMarks(ids: (string | null)[], texts: string[]): PersonMarks {
  const present = (values: (string | null)[]) => values.filter((v): v is string => typeof v === 'string' && v.trim().length > 0).map((v) => v.trim());
  const exact = present(ids);
  return { exact, within: [...exact.filter((v) => v.length >= 6), ...present(texts).filter((v) => v.length >= 12)].map((v) => v.toLowerCase()) };
}

function names(value: string, marks: PersonMarks): boolean {
  if (marks.exact.includes(value.trim())) return true;
  const lower = value.toLowerCase();
  return marks.within.some((m) => lower.includes(m));
}

function isThem(value: unknown, marks: PersonMarks): boolean {
  if (typeof value === 'string') return marks.exact.includes(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const id = (value as Record<string, unknown>).participant_id;
    return typeof id === 'string' && marks.exact.includes(id);
  }
  return false;
}

/** The value without the person; `changed` tells whether anything was removed. */
export function scrub(value: unknown, marks: PersonMarks): { value: unknown; changed: boolean } {
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (!names(v, marks)) return v;
      changed = true;
      return ERASED;
    }
    if (Array.isArray(v)) {
      const kept = v.filter((item) => !isThem(item, marks));
      if (kept.length !== v.length) changed = true;
      return kept.map(walk);
    }
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const result = walk(value);
  return { value: result, changed };
}

/** scrub over JSON text; returns null when nothing changed. */
export function scrubJsonText(text: string | null, marks: PersonMarks): string | null {
  if (text === null) return null;
  const { value, changed } = scrub(JSON.parse(text) as unknown, marks);
  return changed ? JSON.stringify(value) : null;
}
