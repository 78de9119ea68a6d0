/**
 * Typed CRM attributes: deciding a column's type and format from its values, and reading values
 * with them. Pure, so the rules are testable alone; the cell readers are in crm-values.ts.
 *
 * A column is a number, boolean or date when at least 95% of its non-missing values read as one
 * (MOSTLY); the few others are stray values, reported with their lines instead of turning the
 * whole column into text.
 */
import {
  canonicalUnit,
  FITS_COMMA,
  FITS_POINT,
  isMissingValue,
  isoDate,
  newDateReading,
  newNumberReading,
  numberValue,
  ORDER_DMY,
  ORDER_MDY,
  readBoolean,
  readDate,
  readNumber,
  DATE_DOT,
  DATE_SLASH,
  DATE_YMD,
  type DateOrder,
} from './crm-values.js';

export { isMissing } from './crm-values.js';

export const ATTRIBUTE_TYPES = ['number', 'boolean', 'date', 'category', 'text'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];
export type AttributeValue = number | boolean | string;

/** How an attribute's values are written (and shown); kept in the catalogue beside the type. */
export interface AttributeFormat {
  /** number: the unit shown with the values, '%' or a currency code (USD, EUR…). */
  unit?: string | undefined;
  /** number: ',' when the values use a decimal comma (1.234,56); a point otherwise. */
  decimal?: ',' | undefined;
  /** date: how 03/04/2024-style dates are read, month first (US) or day first. */
  dates?: DateOrder | undefined;
}

/** The format names `column_types` takes and imports report. */
export const NUMBER_FORMATS = ['1,234.56', '1.234,56'] as const;
export const DATE_FORMATS = ['M/D/YYYY', 'D/M/YYYY', 'YYYY-MM-DD', 'D.M.YYYY'] as const;
export type FormatName = (typeof NUMBER_FORMATS)[number] | (typeof DATE_FORMATS)[number];

/** The format name of a stored format, for a number or date attribute. */
export function formatName(type: AttributeType, format: AttributeFormat): FormatName | null {
  if (type === 'number') return format.decimal === ',' ? '1.234,56' : '1,234.56';
  if (type === 'date') return format.dates === 'dmy' ? 'D/M/YYYY' : format.dates === 'mdy' ? 'M/D/YYYY' : 'YYYY-MM-DD';
  return null;
}

/** A format name as a stored format (what `column_types` states), or a message naming what fits. */
export function parseFormatName(type: AttributeType, name: string): AttributeFormat | string {
  if (type === 'number') {
    if (name === '1,234.56') return {};
    if (name === '1.234,56') return { decimal: ',' };
    return `"${name}" is not a number format; use "1,234.56" (decimal point) or "1.234,56" (decimal comma)`;
  }
  if (type === 'date') {
    if (name === 'M/D/YYYY' || name === 'MM/DD/YYYY') return { dates: 'mdy' };
    if (name === 'D/M/YYYY' || name === 'DD/MM/YYYY') return { dates: 'dmy' };
    if (name === 'YYYY-MM-DD' || name === 'D.M.YYYY' || name === 'DD.MM.YYYY') return {};
    return `"${name}" is not a date format; use "M/D/YYYY" (month first), "D/M/YYYY" (day first), "YYYY-MM-DD" or "D.M.YYYY"`;
  }
  return `a ${type} attribute takes no format`;
}

/** A type (and format) stated for a column, instead of inferring it. */
export interface StatedType {
  type: AttributeType;
  format: AttributeFormat | null;
}

/** A caller's type statement (`{type, format?, unit?}`) as a StatedType, or the problem with it. */
export function statedType(spec: { type: AttributeType; format?: string | undefined; unit?: string | undefined }): StatedType | string {
  let format: AttributeFormat | null = null;
  if (spec.format !== undefined) {
    const parsed = parseFormatName(spec.type, spec.format);
    if (typeof parsed === 'string') return `format: ${parsed}`;
    format = parsed;
  }
  if (spec.unit !== undefined) {
    if (spec.type !== 'number') return `unit: only number columns take a unit (this one is ${spec.type})`;
    const unit = canonicalUnit(spec.unit);
    if (!unit) return `unit: "${spec.unit}" is not % or a currency (a symbol such as $ € £, or a code such as USD, EUR, GBP)`;
    format = { ...format, unit };
  }
  return { type: spec.type, format };
}

/** The most stray values a column may have and keep its type: 5% of its non-missing values. */
export const MOSTLY = 0.95;
/**
 * Misses tracked for a type that has not been ruled out, beyond 5% of the values so far; past it
 * the type is dropped (a column of words stops being tested as numbers after ~1,000 values).
 */
const SLACK = 1000;
/** Stray values whose text is kept for messages, per list (only the first lines are listed). */
const KEPT_VALUES = 200;

/** Lines (in order) of values that do not fit one reading of a column. */
export class Misses {
  count = 0;
  /** null once there were too many to keep: the reading is then out. */
  lines: number[] | null = [];
  values: string[] = [];

  add(line: number, value: string, limit: number): void {
    this.count++;
    if (this.lines === null) return;
    if (this.count > limit) {
      this.lines = null;
      this.values = [];
      return;
    }
    this.lines.push(line);
    // A copy: the cell is a slice of a megabyte chunk that would otherwise stay in memory.
    if (this.values.length < KEPT_VALUES) this.values.push(value.length > 12 ? JSON.parse(JSON.stringify(value)) : value);
  }

  get complete(): boolean {
    return this.lines !== null;
  }
}

/** Why a value is a stray, for its message. */
export type StrayReason = 'type' | 'unit' | 'decimal' | 'order';

export interface StrayList {
  reason: StrayReason;
  misses: Misses;
  /** The unit of the values (reason 'unit'). */
  unit?: string;
}

/** What a column turned out to be. */
export interface ColumnDecision {
  type: AttributeType;
  format: AttributeFormat;
  /** Values that do not fit, by reason; every line is listed (the reading is only chosen when they are known). */
  strays: StrayList[];
  strayCount: number;
  /** How the values were read, in words. */
  rule: string;
  /** A reading chosen among several, or how close the column came to another type. */
  note: string | null;
  /** FormatName for numbers and dates. */
  formatName: FormatName | null;
}

/** Defaults for readings a column leaves open, from the rest of the file (or the delimiter). */
export interface FileHints {
  decimal: ',' | '.';
  decimalReason: string;
  dates: DateOrder;
  datesReason: string;
}

/** A text column with at most this many distinct values (each used about twice) is a category: a plan or a region, not free text. */
const CATEGORY_MAX_VALUES = 25;

/**
 * Infers the type and format of a column from its values, one value at a time (imports stream):
 * number (plain, money, percentage), boolean (true/false, yes/no, y/n), date (ISO, M/D/YYYY or
 * D/M/YYYY, D.M.YYYY, with times and zones), category (few distinct values that repeat),
 * otherwise text. With `fixed` the type is given (the catalogue or column_types) and only its
 * format is inferred; every value that does not fit it is a stray.
 */
export class ColumnInference {
  present = 0;
  private readonly limitFixed: boolean;
  // Numbers
  private number: boolean;
  private readonly notNumber = new Misses();
  private readonly pointOnly = new Misses();
  private readonly commaOnly = new Misses();
  private readonly units = new Map<string, Misses>();
  private grouped = 0;
  private ambiguous = 0;
  /** Values like 02134 were seen: the column is not a number column. */
  private codes = false;
  private parentheses = 0;
  // Booleans
  private boolean: boolean;
  private readonly notBoolean = new Misses();
  private readonly booleanWords = new Set<string>();
  // Dates
  private date: boolean;
  private readonly notDate = new Misses();
  private readonly mdyOnly = new Misses();
  private readonly dmyOnly = new Misses();
  private readonly shapes = [0, 0, 0, 0];
  private times = 0;
  private zones = 0;
  /** Distinct lower-cased values, until there are too many for a category. */
  private distinct: Set<string> | null = new Set();
  private readonly numberReading = newNumberReading();
  private readonly dateReading = newDateReading();

  constructor(readonly fixed: AttributeType | null = null) {
    this.number = fixed === null || fixed === 'number';
    this.boolean = fixed === null || fixed === 'boolean';
    this.date = fixed === null || fixed === 'date';
    this.limitFixed = fixed !== null;
    if (fixed === 'category' || fixed === 'text') this.distinct = null;
  }

  /** Adds one raw cell from `line`; false when it is a missing marker. */
  add(raw: string, line: number): boolean {
    const value = raw.trim();
    if (isMissingValue(value)) return false;
    this.present++;
    const limit = this.limitFixed ? Infinity : SLACK + this.present * (1 - MOSTLY);
    let isNumber = false;
    if (this.number) {
      const n = this.numberReading;
      if (readNumber(value, n)) {
        isNumber = true;
        if (n.fits === FITS_POINT) this.pointOnly.add(line, value, limit);
        else if (n.fits === FITS_COMMA) this.commaOnly.add(line, value, limit);
        if (n.unit !== '') {
          let misses = this.units.get(n.unit);
          if (!misses) this.units.set(n.unit, (misses = new Misses()));
          misses.add(line, value, limit);
        }
        if (n.grouped) this.grouped++;
        if (n.ambiguous) this.ambiguous++;
        if (n.negative && value.charCodeAt(0) === 40) this.parentheses++;
      } else if (n.code && !this.limitFixed) {
        // A zip code or an id with leading zeros: the column holds codes, which a number would mangle.
        this.number = false;
        this.codes = true;
        this.notNumber.lines = null;
      } else {
        this.notNumber.add(line, value, limit);
        if (!this.notNumber.complete) this.number = false;
      }
    }
    let folded: string | null = null;
    if (this.boolean) {
      if (!isNumber && readBoolean(value) >= 0) {
        folded = value.toLowerCase();
        if (this.booleanWords.size < 8) this.booleanWords.add(value);
      } else {
        this.notBoolean.add(line, value, limit);
        if (!this.notBoolean.complete) this.boolean = false;
      }
    }
    if (this.date) {
      const d = this.dateReading;
      if (!isNumber && readDate(value, d)) {
        this.shapes[d.shape]!++;
        if (d.hasTime) this.times++;
        if (d.offset !== null) this.zones++;
        if (d.shape === DATE_SLASH) {
          if (d.orders === ORDER_MDY) this.mdyOnly.add(line, value, limit);
          else if (d.orders === ORDER_DMY) this.dmyOnly.add(line, value, limit);
        }
      } else {
        this.notDate.add(line, value, limit);
        if (!this.notDate.complete) this.date = false;
      }
    }
    if (this.distinct) {
      this.distinct.add(folded ?? value.toLowerCase());
      if (this.distinct.size > CATEGORY_MAX_VALUES) this.distinct = null;
    }
    return true;
  }

  /** Evidence this column gives the rest of the file: +1 decimal point / −1 comma; +1 month first / −1 day first. */
  evidence(): { decimal: number; dates: number } {
    const sign = (a: number, b: number) => (a > b ? 1 : a < b ? -1 : 0);
    return {
      decimal: this.number ? sign(this.pointOnly.count, this.commaOnly.count) : 0,
      dates: this.date ? sign(this.mdyOnly.count, this.dmyOnly.count) : 0,
    };
  }

  /**
   * The decision: the fixed type, or the first of number, date, boolean that at least 95% of the
   * values fit with every stray value known; otherwise category or text. `stated` is a format
   * given by the caller (kept as is); `known` the catalogue's format (a default for open readings).
   */
  decide(hints: FileHints, stated: AttributeFormat | null = null, known: AttributeFormat | null = null): ColumnDecision {
    const present = this.present;
    if (present === 0) {
      const type = this.fixed ?? 'text';
      const format = stated ?? known ?? {};
      return { type, format, strays: [], strayCount: 0, rule: this.fixed ? `${type} (no values in this file)` : 'text (no values in this file)', note: null, formatName: formatName(type, format) };
    }
    const options = [this.numberOption(hints, stated, known), this.dateOption(hints, stated, known), this.booleanOption()].filter((o): o is ColumnDecision => o !== null);
    if (this.fixed !== null) {
      const chosen = options.find((o) => o.type === this.fixed);
      if (chosen) return chosen;
      const format = stated ?? known ?? {};
      return { type: this.fixed, format, strays: [], strayCount: 0, rule: this.fixed, note: null, formatName: formatName(this.fixed, format) };
    }
    const fitting = options.filter((o) => o.strayCount <= present * (1 - MOSTLY)).sort((a, b) => a.strayCount - b.strayCount);
    if (fitting.length > 0) {
      const best = fitting[0]!;
      if (best.strayCount > 0) {
        const share = Math.round((100 * (present - best.strayCount)) / present);
        best.note = [best.note, `${share}% of the values read as ${best.type === 'number' && best.format.unit ? best.format.unit === '%' ? 'percentages' : `amounts in ${best.format.unit}` : `${best.type}s`}; ${best.strayCount} stray value(s) do not`].filter(Boolean).join('; ');
      }
      return best;
    }
    const distinct = this.distinct?.size ?? Infinity;
    // A category repeats: at most 25 distinct values, on average each used at least twice
    // (in a tiny file, any repetition will do: pro, pro, free is a plan, not free text).
    const category = distinct <= CATEGORY_MAX_VALUES && distinct <= Math.max(2, present / 2) && distinct < present;
    const nearest = options.sort((a, b) => a.strayCount - b.strayCount)[0];
    const note = this.codes
      ? 'values with leading zeros (like 02134) or over 15 digits are codes, not numbers: kept as written'
      : nearest && nearest.strayCount < present / 2
        ? `${Math.round((100 * (present - nearest.strayCount)) / present)}% of the values read as ${nearest.type}s, below the ${Math.round(MOSTLY * 100)}% a ${nearest.type} column needs; column_types can state the type`
        : null;
    return { type: category ? 'category' : 'text', format: {}, strays: [], strayCount: 0, rule: category ? `category (${distinct} distinct values)` : 'text', note, formatName: null };
  }

  private numberOption(hints: FileHints, stated: AttributeFormat | null, known: AttributeFormat | null): ColumnDecision | null {
    if (!this.number && this.fixed !== 'number') return null;
    if (!this.notNumber.complete) return null;
    // The decimal convention: stated, else the one fewer values contradict, else the study's or the file's.
    let decimal: ',' | '.';
    let note: string | null = null;
    if (stated) decimal = stated.decimal ?? '.';
    else if (this.pointOnly.count !== this.commaOnly.count) decimal = this.pointOnly.count > this.commaOnly.count ? '.' : ',';
    else {
      decimal = known ? (known.decimal ?? '.') : hints.decimal;
      if (this.ambiguous > 0) {
        note = `values like 1,234 or 1.234 fit a decimal point and a decimal comma; read with a decimal ${decimal === ',' ? 'comma' : 'point'} (${known ? 'as the study already reads this column' : hints.decimalReason})`;
      }
    }
    const against = decimal === ',' ? this.pointOnly : this.commaOnly;
    if (!against.complete) return null;
    // The unit: stated or known, else the most frequent; values in another unit are strays.
    const ranked = [...this.units.entries()].sort((a, b) => b[1].count - a[1].count);
    const unit = stated?.unit ?? known?.unit ?? ranked[0]?.[0];
    const strays: StrayList[] = [];
    if (this.notNumber.count > 0) strays.push({ reason: 'type', misses: this.notNumber });
    if (against.count > 0) strays.push({ reason: 'decimal', misses: against });
    for (const [other, misses] of ranked) {
      if (other === unit) continue;
      if (!misses.complete) return null;
      strays.push({ reason: 'unit', misses, unit: other });
    }
    const format: AttributeFormat = { ...(unit ? { unit } : {}), ...(decimal === ',' ? { decimal: ',' as const } : {}) };
    const strayCount = strays.reduce((s, x) => s + x.misses.count, 0);
    const parts: string[] = [];
    if (unit === '%') parts.push('percentage (12% is stored as 12)');
    else if (unit) parts.push(`money in ${unit}`);
    else parts.push('number');
    if (this.grouped > 0 || (this.ambiguous > 0 && decimal === ',')) parts.push(`thousands separators`);
    parts.push(`decimal ${decimal === ',' ? 'comma' : 'point'}`);
    if (this.parentheses > 0) parts.push('negatives in parentheses');
    return { type: 'number', format, strays, strayCount, rule: parts.join(', '), note, formatName: formatName('number', format) };
  }

  private dateOption(hints: FileHints, stated: AttributeFormat | null, known: AttributeFormat | null): ColumnDecision | null {
    if (!this.date && this.fixed !== 'date') return null;
    if (!this.notDate.complete) return null;
    const slash = this.shapes[DATE_SLASH]!;
    let order: DateOrder;
    let note: string | null = null;
    if (stated?.dates) order = stated.dates;
    else if (this.mdyOnly.count !== this.dmyOnly.count) order = this.mdyOnly.count > this.dmyOnly.count ? 'mdy' : 'dmy';
    else {
      order = known?.dates ?? hints.dates;
      if (slash > 0) {
        note = `dates like 03/04/2024 fit both M/D/YYYY and D/M/YYYY and no value has a day above 12; read as ${order === 'mdy' ? 'M/D/YYYY (month first)' : 'D/M/YYYY (day first)'} (${known?.dates ? 'as the study already reads it' : hints.datesReason}). column_types can state the other reading`;
      }
    }
    const against = order === 'mdy' ? this.dmyOnly : this.mdyOnly;
    if (!against.complete) return null;
    const strays: StrayList[] = [];
    if (this.notDate.count > 0) strays.push({ reason: 'type', misses: this.notDate });
    if (against.count > 0) strays.push({ reason: 'order', misses: against });
    const format: AttributeFormat = slash > 0 || stated?.dates ? { dates: order } : {};
    const shapes = [this.shapes[DATE_YMD] ? 'YYYY-MM-DD' : null, slash ? (order === 'mdy' ? 'M/D/YYYY' : 'D/M/YYYY') : null, this.shapes[DATE_DOT] ? 'D.M.YYYY' : null].filter(Boolean);
    let rule = `date${this.times > 0 ? ' and time' : ''}: ${shapes.join(' and ') || 'YYYY-MM-DD'}`;
    if (this.times > 0) rule += this.zones > 0 ? '; times with a zone are stored in UTC' : '; times stored as written';
    rule += '; stored as ISO 8601';
    const name: FormatName = slash ? (order === 'mdy' ? 'M/D/YYYY' : 'D/M/YYYY') : this.shapes[DATE_DOT] && !this.shapes[DATE_YMD] ? 'D.M.YYYY' : 'YYYY-MM-DD';
    return { type: 'date', format, strays, strayCount: strays.reduce((s, x) => s + x.misses.count, 0), rule, note, formatName: name };
  }

  private booleanOption(): ColumnDecision | null {
    if (!this.boolean && this.fixed !== 'boolean') return null;
    if (!this.notBoolean.complete) return null;
    const strays: StrayList[] = this.notBoolean.count > 0 ? [{ reason: 'type', misses: this.notBoolean }] : [];
    const words = [...this.booleanWords].slice(0, 4).join('/');
    return { type: 'boolean', format: {}, strays, strayCount: this.notBoolean.count, rule: `yes/no${words ? ` (${words})` : ''}`, note: null, formatName: null };
  }
}

/** File hints when nothing else decides: the delimiter says which decimal is likely. */
export function defaultHints(delimiter: string): FileHints {
  const comma = delimiter === ';';
  return {
    decimal: comma ? ',' : '.',
    decimalReason: comma ? 'the file is ;-delimited, as files with decimal commas are' : 'the usual reading in a comma-delimited file',
    dates: 'mdy',
    datesReason: 'the US reading, which HubSpot and Salesforce exports use',
  };
}

/** Hints from every column's evidence: a column that proves a reading settles it for the columns that cannot. */
export function fileHints(columns: readonly ColumnInference[], delimiter: string): FileHints {
  const hints = defaultHints(delimiter);
  let decimal = 0;
  let dates = 0;
  for (const c of columns) {
    const e = c.evidence();
    decimal += e.decimal;
    dates += e.dates;
  }
  if (decimal !== 0) {
    hints.decimal = decimal > 0 ? '.' : ',';
    hints.decimalReason = `other columns of the file use a decimal ${decimal > 0 ? 'point' : 'comma'}`;
  }
  if (dates !== 0) {
    hints.dates = dates > 0 ? 'mdy' : 'dmy';
    hints.datesReason = `other date columns of the file have ${dates > 0 ? 'a month-first date with a day above 12' : 'a day above 12 in first place'}`;
  }
  return hints;
}

/**
 * Reads trimmed, non-missing values of a type and format: the stored value, or null when the
 * value does not fit. One reader per column, made once (it reuses its scratch objects).
 */
export function valueReader(type: AttributeType, format: AttributeFormat = {}): (value: string) => AttributeValue | null {
  switch (type) {
    case 'number': {
      const reading = newNumberReading();
      const decimal = format.decimal ?? '.';
      const fits = decimal === ',' ? FITS_COMMA : FITS_POINT;
      const unit = format.unit ?? '';
      return (value) => {
        if (!readNumber(value, reading) || (reading.fits & fits) === 0) return null;
        if (reading.unit !== '' && reading.unit !== unit) return null;
        const n = numberValue(value, reading, decimal);
        return Number.isFinite(n) ? n : null;
      };
    }
    case 'boolean':
      return (value) => {
        const b = readBoolean(value);
        return b < 0 ? null : b === 1;
      };
    case 'date': {
      const reading = newDateReading();
      const order = format.dates ?? 'mdy';
      return (value) => (readDate(value, reading) ? isoDate(value, reading, order) : null);
    }
    case 'category':
    case 'text':
      return (value) => value;
  }
}

/** Coerces one raw value: `undefined` means missing, `null` means it does not fit. */
export function coerceAttribute(raw: string, type: AttributeType, format: AttributeFormat = {}): AttributeValue | undefined | null {
  const value = raw.trim();
  if (isMissingValue(value)) return undefined;
  return valueReader(type, format)(value);
}

/** A column's type from its values alone (no file around it). */
export function inferAttributeType(values: readonly string[]): AttributeType {
  const inference = new ColumnInference();
  values.forEach((value, i) => inference.add(value, i + 1));
  return inference.decide(defaultHints(',')).type;
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
export function describeType(type: AttributeType, format: AttributeFormat = {}): string {
  switch (type) {
    case 'number':
      if (format.unit === '%') return 'a percentage';
      if (format.unit) return `an amount in ${format.unit}`;
      return 'a number';
    case 'boolean':
      return 'yes/no (true/false, yes/no or y/n)';
    case 'date':
      return `a date (YYYY-MM-DD, ${format.dates === 'dmy' ? 'D/M/YYYY' : 'M/D/YYYY'} or D.M.YYYY)`;
    default:
      return 'text';
  }
}

/** One stray value's problem, for the line's error message. */
export function strayMessage(column: string, value: string, list: StrayList, decision: ColumnDecision): string {
  const shown = `"${value.length > 60 ? `${value.slice(0, 57)}…` : value}" in column "${column}"`;
  switch (list.reason) {
    case 'type':
      return `${shown} is not ${describeType(decision.type, decision.format)}`;
    case 'unit':
      return `${shown} is in ${list.unit === '%' ? 'percent' : list.unit}; the column is ${decision.format.unit === '%' ? 'in percent' : decision.format.unit ? `in ${decision.format.unit}` : 'plain numbers'}`;
    case 'decimal':
      return `${shown} uses a decimal ${decision.format.decimal === ',' ? 'point' : 'comma'}; the column uses a decimal ${decision.format.decimal === ',' ? 'comma' : 'point'}`;
    case 'order':
      return `${shown} is not a ${decision.format.dates === 'dmy' ? 'D/M/YYYY' : 'M/D/YYYY'} date; the column reads ${decision.format.dates === 'dmy' ? 'day' : 'month'} first`;
  }
}

/** How a stored value reads back as text (to convert it to another type). */
export function storedText(value: AttributeValue): string {
  return typeof value === 'string' ? value : typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
}
