import * as z from 'zod';
import { clip, takeLines } from '../domain/budget.js';
import { listStudies } from '../app/studies.js';
import { defineTool, readOnly } from './define.js';
import { cursor, limit, studyMode } from './params.js';

export const listStudiesTool = defineTool({
  name: 'list_studies',
  title: 'List studies',
  description: `Lists studies with participant and interview counts and what each still misses; paginated.
Use this tool when you need to: find a study_id.`,
  input: z.object({ limit: limit(20, 100), cursor }),
  output: z.object({
    total: z.number(),
    studies: z.array(
      z.object({
        study_id: z.number(),
        name: z.string(),
        decision: z.string().nullable(),
        mode: studyMode,
        participants: z.number(),
        interviews_completed: z.number(),
        interviews_partial: z.number(),
        ready: z.boolean().describe('Whether the readiness checklist of get_study passes.'),
        missing: z.array(z.string()).describe('Checklist items not yet satisfied (get_study explains each).'),
        updated_at: z.string(),
      }),
    ),
    next_cursor: z.string().nullable(),
    size_limited: z.boolean(),
  }),
  annotations: readOnly,
  run: ({ limit, cursor }, { store, caller }) => listStudies(store, { limit, cursor, only: caller?.studies ?? null }),
  render: (r) =>
    r.studies.length === 0
      ? 'No studies yet. Create one with create_study.'
      : takeLines([`${r.total} stud${r.total === 1 ? 'y' : 'ies'}:`, ...r.studies.map((s) => `- [${s.study_id}] ${clip(s.name, 80)}: ${s.participants} participants, ${s.interviews_completed} interviews completed; ${s.ready ? 'ready' : `missing: ${s.missing.join(', ')}`}`), ...(r.next_cursor ? ['(more: pass next_cursor)'] : [])]),
});
