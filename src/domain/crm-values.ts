/**
 * Reading one CRM cell: money and plain numbers, percentages, dates and date-times, booleans and
 * missing markers, the way HubSpot, Salesforce, Stripe and Excel write them. Each reader walks the
 * characters once (no regular expression per cell: an import reads millions of cells), and fills a
 * reused result object instead of allocating one per cell.
 */

/** Values that mean "no value" in CRM exports (compared lower-cased); stored as missing, not as text. */
const MISSING = new Set(['', 'n/a', 'na', 'null', 'none', 'nil', '-', '--', '—', '–', 'nan', '#n/a', '(blank)', '(none)', 'undefined']);
const MISSING_MAX_LENGTH = 9;

/** True for a missing marker; `value` is already trimmed. */
export function isMissingValue(value: string): boolean {
  if (value.length === 0) return true;
  if (value.length > MISSING_MAX_LENGTH) return false;
  // Only text starting like a marker is lower-cased: numbers and most words fail this first test.
  const c = value.charCodeAt(0) | 0x20;
  return (c === 0x6e /* n */ || c === 0x2d /* - */ || c === 0x23 /* # */ || c === 0x28 /* ( */ || c === 0x75 /* u */ || value.charCodeAt(0) > 0x2000) && MISSING.has(value.toLowerCase());
}

export function isMissing(raw: string): boolean {
  return isMissingValue(raw.trim());
}

// ---------------------------------------------------------------------------------------------
// Numbers, money and percentages

/** The decimal conventions a number's text fits: 1,234.56 (point) and/or 1.234,56 (comma). */
export const FITS_POINT = 1;
export const FITS_COMMA = 2;
export const FITS_BOTH = FITS_POINT | FITS_COMMA;

/** Currency symbols and the ISO 4217 code each is read as ($ is read as US dollars). */
const SYMBOLS: Record<string, string> = { $: 'USD', '€': 'EUR', '£': 'GBP', '¥': 'JPY', '₹': 'INR', '₩': 'KRW', '₽': 'RUB', '₺': 'TRY', '₪': 'ILS', '₫': 'VND', '฿': 'THB', '₱': 'PHP', '₦': 'NGN' };
/** Letters written before a $: US$, CA$, A$… */
const DOLLARS: Record<string, string> = { US: 'USD', U: 'USD', CA: 'CAD', C: 'CAD', A: 'AUD', AU: 'AUD', NZ: 'NZD', HK: 'HKD', S: 'SGD', SG: 'SGD', R: 'BRL', MX: 'MXN' };
/** Currency codes read before or after an amount (upper case, as exports write them). */
export const CURRENCY_CODES = new Set(
  'USD EUR GBP JPY CHF CAD AUD NZD SEK NOK DKK ISK PLN CZK HUF RON BGN UAH RUB TRY ILS AED SAR QAR EGP ZAR NGN KES BRL MXN ARS CLP COP PEN INR CNY HKD SGD KRW TWD THB IDR MYR PHP VND'.split(' '),
);

/** A symbol or code as the unit it is stored under ('$' → 'USD'); '%' stays '%'. */
export function canonicalUnit(unit: string): string | null {
  const trimmed = unit.trim();
  if (trimmed === '%') return '%';
  if (SYMBOLS[trimmed]) return SYMBOLS[trimmed]!;
  const upper = trimmed.toUpperCase();
  if (CURRENCY_CODES.has(upper)) return upper;
  if (upper.endsWith('$') && DOLLARS[upper.slice(0, -1)]) return DOLLARS[upper.slice(0, -1)]!;
  return null;
}

/** What `readNumber` found. One object is reused for every cell. */
export interface NumberReading {
  /** FITS_POINT, FITS_COMMA or both (1,234 is 1234 with a decimal point and 1.234 with a decimal comma). */
  fits: number;
  /** '' (none), '%' or a currency code. */
  unit: string;
  /** Number(text) reads it as it stands: no unit, grouping, comma or parentheses. */
  plain: boolean;
  /** Thousands separators are certainly there (1,234,567, 1 234, 1.234,56). */
  grouped: boolean;
  /** The value depends on the convention: one , or . before three digits (1,234 or 1.234). */
  ambiguous: boolean;
  /**
   * Digits that are a code, not a number (readNumber returns false): a leading zero (02134, 007)
   * or more digits than a double holds exactly (a 19-digit id).
   */
  code: boolean;
  negative: boolean;
  /** Where the digits (with their separators and exponent) start and end. */
  bodyStart: number;
  bodyEnd: number;
}

export function newNumberReading(): NumberReading {
  return { fits: 0, unit: '', plain: false, grouped: false, ambiguous: false, code: false, negative: false, bodyStart: 0, bodyEnd: 0 };
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isUpper = (c: number) => c >= 65 && c <= 90;
/** Spaces inside or around amounts: space, no-break space, narrow no-break space. */
const isSpace = (c: number) => c === 32 || c === 0xa0 || c === 0x202f;
/** Separators between digit groups: , . space ' ’. */
const isGroupSeparator = (c: number) => c === 44 || c === 46 || isSpace(c) || c === 39 || c === 0x2019;

/** A unit (symbol, US$-style prefix or code) starting at `i`: its end, or -1; the unit goes to `out.unit`. */
function readUnit(text: string, i: number, end: number, out: NumberReading): number {
  const c = text.charCodeAt(i);
  if (c === 37 /* % */) {
    out.unit = '%';
    return i + 1;
  }
  const symbol = SYMBOLS[text[i]!];
  if (symbol) {
    out.unit = symbol;
    return i + 1;
  }
  if (!isUpper(c)) return -1;
  let j = i;
  while (j < end && j - i < 3 && isUpper(text.charCodeAt(j))) j++;
  if (j < end && text.charCodeAt(j) === 36 /* $ */) {
    const code = DOLLARS[text.slice(i, j)];
    if (!code) return -1;
    out.unit = code;
    return j + 1;
  }
  if (j - i !== 3 || (j < end && isUpper(text.charCodeAt(j)))) return -1;
  const code = text.slice(i, j);
  if (!CURRENCY_CODES.has(code)) return -1;
  out.unit = code;
  return j;
}

/**
 * Reads a trimmed cell as a number: plain (12, -3.5, 4e2), money ($1,200.50, 1.234,56 €, USD 99,
 * (1,200.00) for −1200) or a percentage (12%, 10.5 %). Returns false when it is not one. Digit
 * groups must be three digits after the first; a leading zero (007, 02134) or more than 15 digits
 * mark a code (`out.code`), not a number. Which decimal conventions fit is left in `out.fits` for
 * the column to decide.
 */
export function readNumber(text: string, out: NumberReading): boolean {
  let i = 0;
  let end = text.length;
  out.unit = '';
  out.negative = false;
  out.plain = true;
  out.grouped = false;
  out.ambiguous = false;
  out.code = false;
  if (end === 0) return false;
  if (text.charCodeAt(0) === 40 /* ( */) {
    if (text.charCodeAt(end - 1) !== 41 /* ) */) return false;
    out.negative = true;
    out.plain = false;
    i = 1;
    end--;
  }
  // Before the digits: a sign and/or a currency, in either order ("-$5", "$-5", "USD 5").
  let signed = false;
  for (let k = 0; k < 2 && i < end; k++) {
    const c = text.charCodeAt(i);
    if (c === 45 /* - */ || c === 43 /* + */ || c === 0x2212 /* − */) {
      if (signed || out.negative) return false;
      signed = true;
      if (c !== 43) out.negative = true;
      if (c === 0x2212) out.plain = false;
      i++;
    } else if (!isDigit(c) && c !== 46 && c !== 44) {
      if (out.unit !== '') return false;
      const after = readUnit(text, i, end, out);
      if (after < 0 || (out.unit as string) === '%') return false;
      out.plain = false;
      i = after;
      while (i < end && isSpace(text.charCodeAt(i))) i++;
    } else break;
  }

  // The digits: groups joined by separators.
  out.bodyStart = i;
  let groupLength = 0;
  let firstLength = -1;
  let firstDigit = 0;
  let separators = 0;
  let firstSeparator = 0;
  let lastSeparator = 0;
  let earlyMixed = false;
  let middleBad = false;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) {
      if (separators === 0 && groupLength === 0) firstDigit = c;
      groupLength++;
      continue;
    }
    // A separator only when a digit follows ("5 %" ends the digits at the space).
    if (!isGroupSeparator(c) || i + 1 >= end || !isDigit(text.charCodeAt(i + 1))) break;
    if (separators === 0) {
      firstLength = groupLength;
      firstSeparator = c;
    } else {
      if (lastSeparator !== firstSeparator) earlyMixed = true;
      if (groupLength !== 3) middleBad = true;
    }
    lastSeparator = c;
    separators++;
    groupLength = 0;
  }
  const lastLength = groupLength;
  if (separators === 0) firstLength = lastLength;
  if (lastLength === 0) return false;
  // An exponent, for plain numbers only (4e2, 1.5E-3).
  let exponent = false;
  if (i < end && (text.charCodeAt(i) | 0x20) === 0x65 && (separators === 0 || (separators === 1 && firstSeparator === 46))) {
    let j = i + 1;
    if (j < end && (text.charCodeAt(j) === 45 || text.charCodeAt(j) === 43)) j++;
    if (j < end && isDigit(text.charCodeAt(j))) {
      while (j < end && isDigit(text.charCodeAt(j))) j++;
      i = j;
      exponent = true;
    }
  }
  out.bodyEnd = i;

  // After the digits: a percent sign or a currency, spaces allowed before it.
  if (i < end) {
    let j = i;
    while (j < end && isSpace(text.charCodeAt(j))) j++;
    if (j >= end || out.unit !== '') return false;
    const after = readUnit(text, j, end, out);
    if (after !== end) return false;
    out.plain = false;
  }

  // Which conventions the digit groups fit.
  if ((firstLength > 1 && firstDigit === 48) || (separators === 0 && !exponent && lastLength > 15)) {
    out.code = out.plain && out.unit === '';
    return false;
  }
  if (separators === 0) {
    out.fits = FITS_BOTH;
    return true;
  }
  // A first group that can lead thousands groups: 1–3 digits, not a lone 0.
  const grouped = firstLength >= 1 && firstLength <= 3 && !(firstLength === 1 && firstDigit === 48);
  if (separators === 1) {
    const c = firstSeparator;
    if (firstLength === 0 && c !== 46 && c !== 44) return false;
    if (c === 46 || c === 44) {
      // 1.234 / 1,234: a thousands group or decimals; 12.5, 0,25 or 1234.5: decimals only.
      const ambiguous = !exponent && lastLength === 3 && grouped;
      out.fits = ambiguous ? FITS_BOTH : c === 46 ? FITS_POINT : FITS_COMMA;
      out.ambiguous = ambiguous;
      if (c === 44) out.plain = false;
      return true;
    }
    if (lastLength !== 3 || !grouped) return false;
    out.fits = FITS_BOTH;
    out.plain = false;
    out.grouped = true;
    return true;
  }
  out.plain = false;
  out.grouped = true;
  if (middleBad || earlyMixed || !grouped) return false;
  if (lastSeparator === firstSeparator) {
    // 1,234,567 / 1.234.567 / 1 234 567: thousands groups only.
    if (lastLength !== 3) return false;
    out.fits = firstSeparator === 44 ? FITS_POINT : firstSeparator === 46 ? FITS_COMMA : FITS_BOTH;
    return true;
  }
  // Groups then a different decimal separator: 1,234.56 / 1.234,56 / 1 234,56 / 1'234.56.
  if (lastSeparator === 46) out.fits = FITS_POINT;
  else if (lastSeparator === 44) out.fits = FITS_COMMA;
  else return false;
  return true;
}

/**
 * The value of a number `readNumber` accepted, under a decimal convention (`,` or `.`): the
 * other separators are grouping and dropped.
 */
export function numberValue(text: string, reading: NumberReading, decimal: ',' | '.'): number {
  if (reading.plain && decimal === '.') return Number(text);
  const point = decimal === ',' ? 44 : 46;
  let clean = reading.negative ? '-' : '';
  for (let i = reading.bodyStart; i < reading.bodyEnd; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) clean += text[i];
    else if (c === point) clean += '.';
    else if ((c | 0x20) === 0x65) {
      clean += text.slice(i, reading.bodyEnd);
      break;
    }
  }
  return Number(clean);
}

// ---------------------------------------------------------------------------------------------
// Booleans

/** 1 for a yes (true, yes, y), 0 for a no (false, no, n), -1 otherwise. */
export function readBoolean(value: string): number {
  if (value.length > 5) return -1;
  const c = value.charCodeAt(0) | 0x20;
  if (c !== 0x74 && c !== 0x66 && c !== 0x79 && c !== 0x6e) return -1;
  switch (value.toLowerCase()) {
    case 'true':
    case 'yes':
    case 'y':
      return 1;
    case 'false':
    case 'no':
    case 'n':
      return 0;
    default:
      return -1;
  }
}

// ---------------------------------------------------------------------------------------------
// Dates and date-times

/** How a date's day, month and year are written. */
export const DATE_YMD = 1; // 2024-03-15, 2024/3/15
export const DATE_SLASH = 2; // 03/15/2024 or 15/03/2024 (also with -): the column decides
export const DATE_DOT = 3; // 15.03.2024

/** Day-first or month-first, for DATE_SLASH dates. */
export type DateOrder = 'mdy' | 'dmy';

export interface DateReading {
  shape: number;
  /** The two leading numbers of a DATE_SLASH date, as written (first/second). */
  first: number;
  second: number;
  year: number;
  /** For YMD and DOT dates, the month and day; for SLASH dates, set by `dateFits`. */
  month: number;
  day: number;
  /** The readings a DATE_SLASH date fits: 1 = month first, 2 = day first, 3 = both. */
  orders: number;
  hasTime: boolean;
  hour: number;
  minute: number;
  second_: number;
  /** Fraction of a second as written (digits), or ''. */
  fraction: string;
  /** Minutes east of UTC, or null when the time has no zone. */
  offset: number | null;
}

export function newDateReading(): DateReading {
  return { shape: 0, first: 0, second: 0, year: 0, month: 0, day: 0, orders: 0, hasTime: false, hour: 0, minute: 0, second_: 0, fraction: '', offset: null };
}

export const ORDER_MDY = 1;
export const ORDER_DMY = 2;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

const validDay = (year: number, month: number, day: number) => month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);

/** Digits from `i`, at most `max`: [value, end]; end === i when there are none. */
function digits(text: string, i: number, max: number): [number, number] {
  let value = 0;
  let j = i;
  while (j < text.length && j - i < max && isDigit(text.charCodeAt(j))) value = value * 10 + text.charCodeAt(j++) - 48;
  return [value, j];
}

/**
 * Reads a trimmed cell as a date or date-time: ISO (2024-03-15, 2024-03-15T14:30:00Z),
 * M/D/YYYY or D/M/YYYY (also with -), D.M.YYYY; a time may follow (14:30, 2:30 PM, 14:30:05.123)
 * with a zone (Z, UTC, GMT, +02:00, -0500). Returns false when it is not a real calendar date in
 * any reading. For slash dates `out.orders` says which readings fit.
 */
export function readDate(text: string, out: DateReading): boolean {
  const [a, afterA] = digits(text, 0, 4);
  const aLength = afterA;
  if (aLength === 0 || afterA >= text.length) return false;
  const separator = text.charCodeAt(afterA);
  let i: number;
  if (aLength === 4) {
    if (separator !== 45 && separator !== 47) return false;
    const [month, afterM] = digits(text, afterA + 1, 2);
    if (afterM === afterA + 1 || text.charCodeAt(afterM) !== separator) return false;
    const [day, afterD] = digits(text, afterM + 1, 2);
    if (afterD === afterM + 1) return false;
    if (!validDay(a, month, day)) return false;
    out.shape = DATE_YMD;
    out.year = a;
    out.month = month;
    out.day = day;
    out.orders = 0;
    i = afterD;
  } else if (aLength <= 2) {
    if (separator !== 47 && separator !== 45 && separator !== 46) return false;
    const [b, afterB] = digits(text, afterA + 1, 2);
    if (afterB === afterA + 1 || text.charCodeAt(afterB) !== separator) return false;
    const [year, afterY] = digits(text, afterB + 1, 4);
    if (afterY - afterB - 1 !== 4) return false;
    out.year = year;
    out.first = a;
    out.second = b;
    if (separator === 46) {
      if (!validDay(year, b, a)) return false;
      out.shape = DATE_DOT;
      out.day = a;
      out.month = b;
      out.orders = 0;
    } else {
      out.shape = DATE_SLASH;
      out.orders = (validDay(year, a, b) ? ORDER_MDY : 0) | (validDay(year, b, a) ? ORDER_DMY : 0);
      if (out.orders === 0) return false;
    }
    i = afterY;
  } else return false;

  out.hasTime = false;
  out.offset = null;
  out.fraction = '';
  if (i === text.length) return true;
  return readTime(text, i, out);
}

/** The time after a date: [ T]H:MM[:SS[.fff]][ AM|PM][ zone]. */
function readTime(text: string, i: number, out: DateReading): boolean {
  const c = text.charCodeAt(i);
  if (c !== 32 && c !== 84 /* T */) return false;
  i++;
  while (i < text.length && text.charCodeAt(i) === 32) i++;
  const [hour, afterH] = digits(text, i, 2);
  if (afterH === i || text.charCodeAt(afterH) !== 58) return false;
  const [minute, afterM] = digits(text, afterH + 1, 2);
  if (afterM - afterH - 1 !== 2) return false;
  i = afterM;
  let second = 0;
  if (text.charCodeAt(i) === 58) {
    const [s, afterS] = digits(text, i + 1, 2);
    if (afterS - i - 1 !== 2) return false;
    second = s;
    i = afterS;
    if (text.charCodeAt(i) === 46 || text.charCodeAt(i) === 44) {
      let j = i + 1;
      while (j < text.length && isDigit(text.charCodeAt(j))) j++;
      if (j === i + 1) return false;
      out.fraction = text.slice(i + 1, Math.min(j, i + 4));
      i = j;
    }
  }
  let h = hour;
  // AM / PM (Salesforce and Excel in the US write 3/15/2024 2:30 PM).
  let k = i;
  while (k < text.length && text.charCodeAt(k) === 32) k++;
  const m0 = text.charCodeAt(k) | 0x20;
  if ((m0 === 0x61 || m0 === 0x70) && (text.charCodeAt(k + 1) | 0x20) === 0x6d) {
    if (hour < 1 || hour > 12) return false;
    h = (hour % 12) + (m0 === 0x70 ? 12 : 0);
    i = k + 2;
  }
  if (h > 23 || minute > 59 || second > 59) return false;
  out.hasTime = true;
  out.hour = h;
  out.minute = minute;
  out.second_ = second;
  if (i === text.length) return true;
  return readZone(text, i, out);
}

/** Z, UTC, GMT, ±HH, ±HHMM or ±HH:MM (a space before it allowed). */
function readZone(text: string, i: number, out: DateReading): boolean {
  while (i < text.length && text.charCodeAt(i) === 32) i++;
  const rest = text.length - i;
  const c = text.charCodeAt(i);
  if ((c === 90 || c === 122) && rest === 1) {
    out.offset = 0;
    return true;
  }
  if (rest === 3) {
    const word = text.slice(i).toUpperCase();
    if (word === 'UTC' || word === 'GMT') {
      out.offset = 0;
      return true;
    }
  }
  if (c === 85 || c === 71) {
    // UTC+02:00 / GMT-5
    const word = text.slice(i, i + 3).toUpperCase();
    if (word !== 'UTC' && word !== 'GMT') return false;
    i += 3;
  }
  const sign = text.charCodeAt(i);
  if (sign !== 43 && sign !== 45 && sign !== 0x2212) return false;
  const [hh, afterH] = digits(text, i + 1, 2);
  if (afterH === i + 1) return false;
  let mm = 0;
  let j = afterH;
  if (text.charCodeAt(j) === 58) j++;
  if (j < text.length) {
    const [m, afterM] = digits(text, j, 2);
    if (afterM - j !== 2) return false;
    mm = m;
    j = afterM;
  }
  if (j !== text.length || hh > 14 || mm > 59) return false;
  out.offset = (sign === 43 ? 1 : -1) * (hh * 60 + mm);
  return true;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad4 = (n: number) => String(n).padStart(4, '0');

/**
 * The ISO form of a date `readDate` accepted: YYYY-MM-DD; with a time YYYY-MM-DDTHH:MM:SS
 * (local, as written) or, with a zone, converted to UTC and ending in Z. `order` reads slash dates.
 * Null when the date does not fit that order.
 */
export function isoDate(text: string, reading: DateReading, order: DateOrder): string | null {
  let { month, day } = reading;
  if (reading.shape === DATE_SLASH) {
    const want = order === 'mdy' ? ORDER_MDY : ORDER_DMY;
    if ((reading.orders & want) === 0) return null;
    month = order === 'mdy' ? reading.first : reading.second;
    day = order === 'mdy' ? reading.second : reading.first;
  }
  const { year } = reading;
  if (!reading.hasTime) {
    // Already ISO: keep the text (no new string for the common case).
    if (reading.shape === DATE_YMD && text.length === 10 && text.charCodeAt(4) === 45) return text;
    return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
  }
  const fraction = reading.fraction ? `.${reading.fraction.padEnd(3, '0')}` : '';
  if (reading.offset === null) return `${pad4(year)}-${pad2(month)}-${pad2(day)}T${pad2(reading.hour)}:${pad2(reading.minute)}:${pad2(reading.second_)}${fraction}`;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day); // (Date.UTC would read years below 100 as 19xx)
  utc.setUTCHours(reading.hour, reading.minute - reading.offset, reading.second_, 0);
  return `${utc.toISOString().slice(0, 19)}${fraction}Z`;
}
