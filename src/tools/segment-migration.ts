import * as z from 'zod';
import { clip, takeLines } from '../domain/budget.js';
import { capList } from '../domain/format.js';
import { segmentMigration } from '../app/migration.js';
import { defineTool, readOnly } from './define.js';

const input = z.object({
  from_segmentation_id: z.number().int().positive().describe('The earlier segmentation.'),
  to_segmentation_id: z.number().int().positive().describe('The later segmentation.'),
});

export const segmentMigrationTool = defineTool({
  name: 'segment_migration',
  title: 'Segment migration between two segmentations',
  description: `How people moved between two segmentations: segments matched by name, centre or overlap; the migration matrix; the largest flows with examples.
Use this tool when you need to: track segments over time.`,
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
      note: z.string().nullable(),
    }),
    matches_total: z.number(),
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
    lines.push(`Matched: ${capList(r.matches.map((m) => `${m.from_name ?? m.from_segment} → ${m.to_name ?? m.to_segment} (${m.by})`), 8)}`);
    if (r.matrix.rows.length * r.matrix.columns.length <= 49) {
      lines.push(`from \\ to | ${r.matrix.columns.map((c) => clip(c, 24)).join(' | ')}`);
      r.matrix.rows.forEach((row, i) => lines.push(`${clip(row, 24)} | ${r.matrix.counts[i]!.join(' | ')}`));
    } else lines.push(`${r.matrix.rows.length} × ${r.matrix.columns.length} matrix in the structured result${r.matrix.note ? ` (${r.matrix.note})` : ''}.`);
    for (const f of r.flows.slice(0, 5)) lines.push(clip(`- ${f.count} moved ${f.from} → ${f.to}: ${f.participants.slice(0, 3).join(', ')}`, 300));
    return takeLines(lines);
  },
});
