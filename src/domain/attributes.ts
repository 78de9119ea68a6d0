/**
 * Typed CRM attributes: inferring a column's type from its values and coercing values to it.
 * Pure, so the rules are testable alone.
 */
export const ATTRIBUTE_TYPES = ['number', 'boolean', 'date', 'category', 'text'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];
export type AttributeValue = number | boolean | string;

/** Values that mean "no value" in CRM exports; they are stored as missing, not as text. */
const MISSING = new Set(['', 'n/a', 'na', 'null', 'none', '-', '—', 'nan', '#n/a']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRUE = new Set(['true', 'yes', 'y']);
const FALSE = new Set(['false', 'no', 'n']);
// ISO dates, optionally with a time; other formats are ambiguous (is 03/04 March or April?).
const DATE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function isMissing(raw: string): boolean {
  return isMissingTrimmed(raw.trim());
}

function isMissingTrimmed(value: string): boolean {
  // Every missing marker is at most four characters: skip the lower-casing for the rest.
  return value.length <= 4 && MISSING.has(value.toLowerCase());
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  // A real calendar day (Date.parse would roll 2026-02-30 over to March instead of rejecting it).
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/**
 * Infers the type of a column from its non-missing values, one value at a time (imports stream):
 * number, boolean (true/false, yes/no), ISO date, category (few distinct values that repeat),
 * otherwise text.
 */
export class TypeInference {
  private present = 0;
  private number = true;
  private boolean = true;
  private date = true;
  /** Distinct lower-cased values, until there are too many for a category. */
  private distinct: Set<string> | null = new Set();

  add(raw: string): void {
    const value = raw.trim();
    if (isMissingTrimmed(value)) return;
    this.present++;
    // Lower-cased only when a test still needs it: a million-row column is mostly past them.
    let folded: string | null = null;
    if (this.number && NUMBER.test(value)) {
      // A number is neither a boolean nor a date.
      this.boolean = false;
      this.date = false;
    } else {
      this.number = false;
      if (this.boolean) {
        folded = value.toLowerCase();
        if (!TRUE.has(folded) && !FALSE.has(folded)) this.boolean = false;
      }
      if (this.date && !isDate(value)) this.date = false;
    }
    if (this.distinct) {
      this.distinct.add(folded ?? value.toLowerCase());
      if (this.distinct.size > CATEGORY_MAX_VALUES) this.distinct = null;
    }
  }

  result(): AttributeType {
    if (this.present === 0) return 'text';
    if (this.number) return 'number';
    if (this.boolean) return 'boolean';
    if (this.date) return 'date';
    const distinct = this.distinct?.size ?? Infinity;
    // A category repeats: at most 25 distinct values, on average each used at least twice
    // (in a tiny file, any repetition will do: pro, pro, free is a plan, not free text).
    if (distinct <= CATEGORY_MAX_VALUES && distinct <= Math.max(2, this.present / 2) && distinct < this.present) return 'category';
    return 'text';
  }
}

/** A text column with at most this many distinct values (each used about twice) is a category: a plan or a region, not free text. */
const CATEGORY_MAX_VALUES = 25;

export function inferAttributeType(values: readonly string[]): AttributeType {
  const inference = new TypeInference();
  for (const value of values) inference.add(value);
  return inference.result();
}

/** Coerces a raw value to the attribute's type; `undefined` means missing, `null` means it does not fit. */
export function coerceAttribute(raw: string, type: AttributeType): AttributeValue | undefined | null {
  const value = raw.trim();
  if (isMissingTrimmed(value)) return undefined;
  switch (type) {
    case 'number':
      return NUMBER.test(value) ? Number(value) : null;
    case 'boolean': {
      const folded = value.toLowerCase();
      if (TRUE.has(folded)) return true;
      if (FALSE.has(folded)) return false;
      return null;
    }
    case 'date':
      return isDate(value) ? value : null;
    case 'category':
    case 'text':
      return value;
  }
}

/**
 * The type an attribute keeps when a later import sees it differently. Text-like types absorb
 * the others (every value fits text); category and text merge to text.
 */
export function mergeAttributeTypes(existing: AttributeType, incoming: AttributeType): AttributeType {
  if (existing === incoming) return existing;
  if (existing === 'category' && incoming === 'text') return 'category';
  if (existing === 'text' || incoming === 'text') return 'text';
  if (existing === 'category' || incoming === 'category') return 'category';
  return 'text';
}

/** What a value must look like, for error messages. */
export function describeType(type: AttributeType): string {
  switch (type) {
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true/false or yes/no';
    case 'date':
      return 'an ISO date (YYYY-MM-DD)';
    default:
      return 'text';
  }
}
