/** How segments and their rules read in text. */

/** "2 "The Pragmatist"", or "Segment 2" while it has no name. */
export function segmentLabel(s: { segment_id: number; name: string | null }): string {
  return s.name ? `${s.segment_id} "${s.name}"` : `Segment ${s.segment_id}`;
}

/** A segment's name, or "Segment 2" while it has none. */
export function segmentName(s: { segment_id: number; name: string | null }): string {
  return s.name ?? `Segment ${s.segment_id}`;
}

const OPERATOR_TEXT: Record<string, string> = { eq: '=', neq: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤', in: 'in', contains: 'contains', exists: 'exists' };

/** A rule's conditions as one readable line ("everyone else" for none). */
export function describeConditions(conditions: readonly { field: string; op: string; value?: unknown }[]): string {
  if (conditions.length === 0) return 'everyone else';
  return conditions.map((c) => `${c.field} ${OPERATOR_TEXT[c.op] ?? c.op}${c.value === undefined ? '' : ` ${Array.isArray(c.value) ? `[${c.value.join(', ')}]` : String(c.value)}`}`).join(' AND ');
}
