/**
 * Writing CSV that is safe to open in a spreadsheet: RFC 4180 quoting, control characters
 * dropped, and text that a spreadsheet would run as a formula (starting with =, +, -, @, tab or
 * carriage return) prefixed with a single quote, as OWASP's CSV-injection guidance recommends.
 * A list in one cell (segments joined by `;`) is neutralised element by element: a CRM that
 * splits the cell into values would otherwise import `=HYPERLINK(…)` as a value of its own.
 */
import { withoutControlCharacters } from './plain-text.js';

const FORMULA_START = /^[=+\-@\t\r]/;

function neutralised(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function csvCell(value: string | number | readonly string[] | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number') text = String(value);
  else if (typeof value === 'string') text = neutralised(withoutControlCharacters(value));
  else text = value.map((item) => neutralised(withoutControlCharacters(item))).join(';');
  return /[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: (string | number | readonly string[] | null | undefined)[]): string {
  return cells.map(csvCell).join(',');
}
