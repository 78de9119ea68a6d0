import * as z from 'zod';
import { UserError } from '../errors.js';
import type { Encoding } from '../domain/segments/encoding.js';
import { centreDistances, matchSegments, type MigrationSegment } from '../domain/segments/migration.js';
import type { Store } from '../store/index.js';
import { defineTool, readOnly } from './define.js';
import { segmentLabel } from './segmentation-common.js';
import { pushTo } from '../domain/collections.js';

const NEW = 'new';
const GONE = 'gone';

function load(store: Store, id: number, role: string) {
  const segmentation = store.segments.get(id);
  if (segmentation.overlapping) throw new UserError(`${role}: segmentation ${id} has overlapping segments; migration needs each participant in one segment.`);
  const segments = store.segments.segments(id);
  const members = store.segments.members(id);
  const list: MigrationSegment[] = segments.map((s) => ({
    segment_id: s.segment_id,
    name: s.name,
    centre: segmentation.method === 'kmeans' ? (s.definition as { centre: number[] }).centre : null,
    members: new Set(members.filter((m) => m.segment_id === s.segment_id).map((m) => m.participant_id)),
  }));
  return { segmentation, segments: list, of: new Map(members.map((m) => [m.participant_id, m.segment_id])) };
}

const input = z.object({
  from_segmentation_id: z.number().int().positive().describe('The earlier segmentation.'),
  to_segmentation_id: z.number().int().positive().describe('The later segmentation.'),
});

export const segmentMigration = defineTool({
  name: 'segment_migration',
  title: 'Segment migration between two segmentations',
  description: `Tracks how people move between segments from one segmentation to another: a re-run after new interviews, or a later wave (another study) with the same participant ids. Segments are matched by name when both are named, otherwise by the Hungarian assignment on centre distance (k-means, centres compared in the first segmentation's units) or on member overlap. Returns the migration matrix (counts and row shares, with "new" and "gone" for people in only one of the two), stayed / moved / new / gone counts, and the largest flows with example participants.
Use this tool when you need to: see whether segments hold over time, who is drifting toward an at-risk segment, or what changed after a re-run.`,
  input,
  output: z.object({
    from: z.object({ segmentation_id: z.number(), study_id: z.number(), k: z.number() }),
    to: z.object({ segmentation_id: z.number(), study_id: z.number(), k: z.number() }),
    matches: z.array(z.object({ from_segment: z.number(), from_name: z.string().nullable(), to_segment: z.number(), to_name: z.string().nullable(), by: z.enum(['name', 'centre', 'overlap']), value: z.number().describe('Centre distance (by centre) or member Jaccard (by name/overlap).') })),
    matrix: z.object({
      rows: z.array(z.string()).describe('From segments, then "new".'),
      columns: z.array(z.string()).describe('To segments, then "gone".'),
      counts: z.array(z.array(z.number())),
      shares: z.array(z.array(z.number())).describe('Row shares: where each from-segment went.'),
    }),
    stayed: z.number(),
    moved: z.number(),
    new: z.number(),
    gone: z.number(),
    flows: z.array(z.object({ from: z.string(), to: z.string(), count: z.number(), participants: z.array(z.string()) })).describe('Moves between different segments, largest first (up to 10, 10 ids each).'),
  }),
  annotations: readOnly,
  run({ from_segmentation_id, to_segmentation_id }, { store }) {
    return migration(store, { from_segmentation_id, to_segmentation_id });

  },
  render: (r) => {
    const lines = [`Migration ${r.from.segmentation_id} → ${r.to.segmentation_id}: ${r.stayed} stayed, ${r.moved} moved, ${r.new} new, ${r.gone} gone.`];
    lines.push(`Matched: ${r.matches.map((m) => `${m.from_name ?? m.from_segment} → ${m.to_name ?? m.to_segment} (${m.by})`).join('; ')}`);
    lines.push(`from \\ to | ${r.matrix.columns.join(' | ')}`);
    r.matrix.rows.forEach((row, i) => lines.push(`${row} | ${r.matrix.counts[i]!.join(' | ')}`));
    for (const f of r.flows.slice(0, 5)) lines.push(`- ${f.count} moved ${f.from} → ${f.to}: ${f.participants.slice(0, 5).join(', ')}`);
    return lines.join('\n');
  },
});

/** The handler's work, shared with generate_report. */
export function migration(store: Store, { from_segmentation_id, to_segmentation_id }: z.output<typeof input>) {
    if (from_segmentation_id === to_segmentation_id) throw new UserError('from_segmentation_id and to_segmentation_id are the same segmentation.');
    const a = load(store, from_segmentation_id, 'from_segmentation_id');
    const b = load(store, to_segmentation_id, 'to_segmentation_id');
    const distances =
      a.segmentation.method === 'kmeans' && b.segmentation.method === 'kmeans'
        ? centreDistances(a.segmentation.encoding as Encoding, a.segments.map((s) => s.centre!), b.segmentation.encoding as Encoding, b.segments.map((s) => s.centre!))
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
    const shares = counts.map((row) => {
      const total = row.reduce((s, x) => s + x, 0);
      return row.map((x) => (total ? Math.round((x / total) * 1000) / 1000 : 0));
    });
    const flows = [...flowIds.entries()]
      .map(([key, ids]) => {
        const [r, c] = key.split(':').map(Number) as [number, number];
        return { from: rowLabels[r]!, to: colLabels[c]!, count: ids.length, participants: ids.slice(0, 10) };
      })
      .sort((x, y) => y.count - x.count)
      .slice(0, 10);
    return {
      from: { segmentation_id: from_segmentation_id, study_id: a.segmentation.study_id, k: a.segments.length },
      to: { segmentation_id: to_segmentation_id, study_id: b.segmentation.study_id, k: b.segments.length },
      matches: matches.map((m) => ({ from_segment: a.segments[m.from]!.segment_id, from_name: a.segments[m.from]!.name, to_segment: b.segments[m.to]!.segment_id, to_name: b.segments[m.to]!.name, by: m.by, value: m.value })),
      matrix: { rows: rowLabels, columns: colLabels, counts, shares },
      stayed,
      moved,
      new: arrived,
      gone,
      flows,
    };
}
