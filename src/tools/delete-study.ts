import * as z from 'zod';
import { eraseStudy } from '../app/erasure.js';
import { defineTool } from './define.js';
import { requireConfirm } from './delete-participant.js';
import { studyId } from './params.js';

export const deleteStudyTool = defineTool({
  name: 'delete_study',
  title: 'Delete a study',
  description: `Deletes a study and everything in it, with its reports and exports, for good. Cannot be undone.
Use this tool when you need to: remove a study at the end of its retention period.`,
  input: z.object({ study_id: studyId, confirm: z.literal(true).describe('Must be true: deletion cannot be undone.') }),
  output: z.object({
    study_id: z.number(),
    deleted: z.literal(true),
    participants_removed: z.number(),
    files_removed: z.number().describe('Report and export files removed from the reports folder.'),
    wal_truncated: z.boolean().describe('false: another process was reading; the write-ahead log empties at its next checkpoint.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  role: 'owner',
  async run({ study_id, confirm }, { store, files }) {
    requireConfirm(confirm);
    return { deleted: true as const, ...await eraseStudy(store, files.outputDir, study_id) };
  },
  render: (r) => `Deleted study ${r.study_id} with ${r.participants_removed} participant(s) and ${r.files_removed} report/export file(s).${r.wal_truncated ? '' : ' Another process is reading the database: its write-ahead log empties at the next checkpoint.'}`,
});
