/**
 * Writing CSV that is safe to open in a spreadsheet: RFC 4180 quoting, and cells that a
 * spreadsheet would run as formulas (starting with =, +, -, @, tab or carriage return) prefixed
 * with a single quote, as OWASP's CSV-injection guidance recommends.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: (string | number | null | undefined)[]): string {
  return cells.map(csvCell).join(',');
}
