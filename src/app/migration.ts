/** segment_migration: a migration matrix between two segmentations, segments matched by name, centre or overlap. */
import { pushTo } from '../domain/collections.js';
import { segmentLabel } from '../domain/segments/labels.js';
import { centreDistances, matchSegments, type MigrationSegment } from '../domain/segments/migration.js';
import { fitList } from '../domain/budget.js';
import { UserError } from '../errors.js';
import { sideCaps } from './crosstab.js';
import type { Store } from '../store/index.js';
import { centreOf } from './assignment.js';

const NEW = 'new';
const GONE = 'gone';

async function load(store: Store, id: number, role: string) {
  const segmentation = await store.segmentations.get(id);
  if (segmentation.overlapping) throw new UserError(`${role}: segmentation ${id} has overlapping segments; migration needs each participant in one segment.`);
  const segments = await store.segmentations.segments(id);
  const members = await store.segmentations.members(id);
  const list: MigrationSegment[] = segments.map((s) => ({
    segment_id: s.segment_id,
    name: s.name,
    centre: segmentation.method === 'kmeans' ? centreOf(s) : null,
    members: new Set(members.filter((m) => m.segment_id === s.segment_id).map((m) => m.participant_id)),
  }));
  return { segmentation, segments: list, of: new Map(members.map((m) => [m.participant_id, m.segment_id])) };
}

/** How people moved from one segmentation's segments to another's. */
export async function segmentMigration(store: Store, from_segmentation_id: number, to_segmentation_id: number) {
  if (from_segmentation_id === to_segmentation_id) throw new UserError('from_segmentation_id and to_segmentation_id are the same segmentation.');
  const a = await load(store, from_segmentation_id, 'from_segmentation_id');
  const b = await load(store, to_segmentation_id, 'to_segmentation_id');
  const distances =
    a.segmentation.method === 'kmeans' && b.segmentation.method === 'kmeans'
      ? centreDistances(a.segmentation.encoding, a.segments.map((s) => s.centre!), b.segmentation.encoding, b.segments.map((s) => s.centre!))
      : null;
  const matches = matchSegments(a.segments, b.segments, distances);
  const matchOf = new Map(matches.map((m) => [a.segments[m.from]!.segment_id, b.segments[m.to]!.segment_id]));

  const rowLabels = [...a.segments.map((s) => segmentLabel(s)), NEW];
  const colLabels = [...b.segments.map((s) => segmentLabel(s)), GONE];
  const counts = rowLabels.map(() => colLabels.map(() => 0));
  const flowIds = new Map<string, string[]>();
  let stayed = 0;
  let moved = 0;
  let arrived = 0;
  let gone = 0;
  const everyone = new Set([...a.of.keys(), ...b.of.keys()]);
  for (const id of [...everyone].sort()) {
    const from = a.of.get(id);
    const to = b.of.get(id);
    const r = from === undefined ? rowLabels.length - 1 : a.segments.findIndex((s) => s.segment_id === from);
    const c = to === undefined ? colLabels.length - 1 : b.segments.findIndex((s) => s.segment_id === to);
    counts[r]![c]!++;
    if (from === undefined) arrived++;
    else if (to === undefined) gone++;
    else if (matchOf.get(from) === to) stayed++;
    else {
      moved++;
      const key = `${r}:${c}`;
      pushTo(flowIds, key, id);
    }
  }
  if (stayed + moved === 0) throw new UserError('The two segmentations share no participant ids, so nobody can be tracked between them.');
  const matrix = foldMatrix(rowLabels, colLabels, counts);
  const shares = matrix.counts.map((row) => {
    const total = row.reduce((s, x) => s + x, 0);
    return row.map((x) => (total ? x / total : 0));
  });
  const flows = fitList(
    [...flowIds.entries()]
      .map(([key, ids]) => {
        const [r, c] = key.split(':').map(Number) as [number, number];
        return { from: rowLabels[r]!, to: colLabels[c]!, count: ids.length, participants: fitList(ids.slice(0, 10), 400, 1).items };
      })
      .sort((x, y) => y.count - x.count)
      .slice(0, 10),
    RESULT_CHARS.flows,
  ).items;
  return {
    from: { segmentation_id: from_segmentation_id, study_id: a.segmentation.study_id, k: a.segments.length },
    to: { segmentation_id: to_segmentation_id, study_id: b.segmentation.study_id, k: b.segments.length },
    matches: fitList(matches.map((m) => ({ from_segment: a.segments[m.from]!.segment_id, from_name: a.segments[m.from]!.name, to_segment: b.segments[m.to]!.segment_id, to_name: b.segments[m.to]!.name, by: m.by, value: m.value })), RESULT_CHARS.matches).items,
    matches_total: matches.length,
    matrix: { rows: matrix.rows, columns: matrix.columns, counts: matrix.counts, shares, note: matrix.note },
    stayed,
    moved,
    new: arrived,
    gone,
    flows,
  };
}

/** Output budget shares of the matched pairs and the flows (the matrix is folded to fit, see foldMatrix). */
const RESULT_CHARS = { matches: 3000, flows: 2500 } as const;

/**
 * The matrix within the table size a crosstab keeps (sideCaps): beyond it, the smallest segments
 * on a side are added up into one "other segments" row or column ("new" and "gone" stay).
 */
function foldMatrix(rows: string[], columns: string[], counts: number[][]): { rows: string[]; columns: string[]; counts: number[][]; note: string | null } {
  const [rowCap, colCap] = sideCaps(rows.length, columns.length);
  if (rows.length <= rowCap && columns.length <= colCap) return { rows, columns, counts, note: null };
  const OTHER = 'other segments';
  /** Where each label goes: itself while it is among the largest (the last, "new" or "gone", always is), else OTHER. */
  const fold = (labels: string[], totals: number[], cap: number) => {
    if (labels.length <= cap) return { labels, at: (i: number) => i };
    const segments = labels.length - 1;
    const kept = new Set(Array.from({ length: segments }, (_, i) => i).sort((x, y) => totals[y]! - totals[x]! || x - y).slice(0, cap - 2));
    const shown = [...labels.slice(0, segments).filter((_, i) => kept.has(i)), OTHER, labels[segments]!];
    return { labels: shown, at: (i: number) => shown.indexOf(i === segments || kept.has(i) ? labels[i]! : OTHER) };
  };
  const r = fold(rows, counts.map((row) => row.reduce((s, x) => s + x, 0)), rowCap);
  const c = fold(columns, columns.map((_, j) => counts.reduce((s, row) => s + row[j]!, 0)), colCap);
  const folded = r.labels.map(() => c.labels.map(() => 0));
  counts.forEach((row, i) => row.forEach((n, j) => (folded[r.at(i)]![c.at(j)]! += n)));
  return { rows: r.labels, columns: c.labels, counts: folded, note: `the smallest segments are added up as "${OTHER}" to keep the table readable (${rows.length - 1} × ${columns.length - 1} segments)` };
}
