/**
 * Groupings that always work: dates grouped by month, quarter or year (the finest that keeps at
 * most MAX_DATE_GROUPS groups, unless a unit is asked for), and many-valued fields shown as their
 * largest groups plus one "Other" group holding the rest (its count folded in). Shared by
 * summarize_questions `by` and crosstab.
 */
export const DATE_UNITS = ['auto', 'month', 'quarter', 'year'] as const;
export type DateUnitRequest = (typeof DATE_UNITS)[number];
export type DateUnit = Exclude<DateUnitRequest, 'auto'>;

export const MAX_DATE_GROUPS = 24;

/** Groups shown of a many-valued field before the rest is folded into "Other". */
export const MAX_GROUPS = 12;

/** Months from the first to the last date (ISO strings), both counted. */
function monthSpan(first: string, last: string): number {
  const months = (iso: string) => Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
  return months(last) - months(first) + 1;
}

/** How many groups a unit makes between two dates. */
export function dateGroupCount(first: string, last: string, unit: DateUnit): number {
  const months = monthSpan(first, last);
  if (unit === 'month') return months;
  if (unit === 'year') return Number(last.slice(0, 4)) - Number(first.slice(0, 4)) + 1;
  const quarter = (iso: string) => Number(iso.slice(0, 4)) * 4 + Math.floor((Number(iso.slice(5, 7)) - 1) / 3);
  return quarter(last) - quarter(first) + 1;
}

/** The unit asked for, or (auto) the finest that keeps at most `maxGroups` groups over the dates' span. */
export function chooseDateUnit(first: string | null, last: string | null, asked: DateUnitRequest, maxGroups = MAX_DATE_GROUPS): DateUnit {
  if (asked !== 'auto') return asked;
  if (first === null || last === null) return 'month';
  for (const unit of ['month', 'quarter', 'year'] as const) if (dateGroupCount(first, last, unit) <= maxGroups) return unit;
  return 'year';
}

/** The label of the group that holds the values not shown. */
export function otherGroupLabel(values: number): string {
  return `Other (${values.toLocaleString('en')} more values)`;
}

/**
 * Which groups to show: all when at most `max`, else the `max − 1` largest (ties by name) and an
 * "Other" group for the rest. Returns the kept names, or null when nothing needs folding.
 */
export function largestGroups(sizes: ReadonlyMap<string, number>, max = MAX_GROUPS): { kept: Set<string>; other: string } | null {
  if (sizes.size <= max) return null;
  const ranked = [...sizes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = new Set(ranked.slice(0, max - 1).map(([name]) => name));
  return { kept, other: otherGroupLabel(sizes.size - kept.size) };
}
