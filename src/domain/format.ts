/** How numbers read in text: one helper per idea, shared by tool renderings, evidence and reports. */

/** A share (0–1) as a whole percentage, "–" when there is none. */
export function percent(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : `${Math.round(x * 100)}%`;
}

/** A number rounded for reading (2 decimals by default), "–" when there is none. */
export function decimal(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined) return '–';
  const f = 10 ** digits;
  return String(Math.round(x * f) / f);
}

/** Any table cell as people read it: numbers to at most 3 decimals (data keeps full precision), "–" for none. */
export function readable(x: unknown): string {
  if (x === null || x === undefined) return '–';
  return typeof x === 'number' ? decimal(x, 3) : String(x);
}

/** A p- or q-value as people read it. */
export function pValue(p: number | null | undefined, name = 'p'): string {
  return p === null || p === undefined ? 'untested' : p < 0.001 ? `${name} < 0.001` : `${name} = ${p.toFixed(3)}`;
}

/** A short text for a list of items, with "… and N more" past `max`. */
export function capList(items: string[], max = 8): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} … and ${items.length - max} more`;
}
