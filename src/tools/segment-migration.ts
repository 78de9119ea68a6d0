import * as z from 'zod';
import { segmentMigration } from '../app/migration.js';
import { defineTool, readOnly } from './define.js';

const input = z.object({
  from_segmentation_id: z.number().int().positive().describe('The earlier segmentation.'),
  to_segmentation_id: z.number().int().positive().describe('The later segmentation.'),
});

export const segmentMigrationTool = defineTool({
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
  run: ({ from_segmentation_id, to_segmentation_id }, { store }) => segmentMigration(store, from_segmentation_id, to_segmentation_id),
  render: (r) => {
    const lines = [`Migration ${r.from.segmentation_id} → ${r.to.segmentation_id}: ${r.stayed} stayed, ${r.moved} moved, ${r.new} new, ${r.gone} gone.`];
    lines.push(`Matched: ${r.matches.map((m) => `${m.from_name ?? m.from_segment} → ${m.to_name ?? m.to_segment} (${m.by})`).join('; ')}`);
    lines.push(`from \\ to | ${r.matrix.columns.join(' | ')}`);
    r.matrix.rows.forEach((row, i) => lines.push(`${row} | ${r.matrix.counts[i]!.join(' | ')}`));
    for (const f of r.flows.slice(0, 5)) lines.push(`- ${f.count} moved ${f.from} → ${f.to}: ${f.participants.slice(0, 5).join(', ')}`);
    return lines.join('\n');
  },
});
