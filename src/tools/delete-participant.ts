import * as z from 'zod';
import { eraseParticipant } from '../app/erasure.js';
import { UserError } from '../errors.js';
import { defineTool } from './define.js';
import { participantId, studyId } from './params.js';

const confirm = z.literal(true).describe('Must be true: deletion cannot be undone.');

export function requireConfirm(confirmed: unknown): void {
  if (confirmed !== true) throw new UserError('confirm: pass confirm: true to delete; nothing was deleted.');
}

export const deleteParticipantTool = defineTool({
  name: 'delete_participant',
  title: 'Delete a participant (erasure)',
  description: `Erases one person for good (GDPR/CCPA): everything recorded about them; segments re-described, texts naming them rewritten, report regenerated, exports listing them removed. Cannot be undone.
Use this tool when you need to: honour a request to be forgotten.`,
  input: z.object({ study_id: studyId, participant_id: participantId, confirm }),
  output: z.object({
    study_id: z.number(),
    deleted: z.literal(true),
    removed: z.object({ answers: z.number(), quotes: z.number(), theme_evidence: z.number(), memberships: z.number(), interview: z.boolean() }),
    segmentations_redescribed: z.array(z.number()).describe('Segmentations whose segment profiles were rebuilt without the person.'),
    texts_rewritten: z.number().describe('Stored texts (segment names, personas, summaries, audit entries) that named or quoted them and were rewritten.'),
    report_regenerated: z.boolean(),
    exports_removed: z.array(z.string()),
    wal_truncated: z.boolean().describe('false: another process was reading; the write-ahead log empties at its next checkpoint.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  role: 'owner',
  // The audit log keeps that someone was erased, never who.
  auditArguments: ({ study_id }) => ({ study_id, participant_id: '[erased]', confirm: true }),
  async run({ study_id, participant_id, confirm: confirmed }, { store, files }) {
    requireConfirm(confirmed);
    return { deleted: true as const, ...(await eraseParticipant(store, files.outputDir, study_id, participant_id)) };
  },
  render: (r) =>
    `Erased the participant from study ${r.study_id}: ${r.removed.answers} answers, ${r.removed.quotes} quotes, ${r.removed.theme_evidence} theme evidence, ${r.removed.memberships} segment memberships${r.removed.interview ? ', the interview' : ''}.` +
    `${r.segmentations_redescribed.length ? ` Segmentations ${r.segmentations_redescribed.join(', ')} described again.` : ''}${r.texts_rewritten ? ` ${r.texts_rewritten} stored texts rewritten.` : ''}${r.report_regenerated ? ' Report regenerated.' : ''}${r.exports_removed.length ? ` Exports removed: ${r.exports_removed.join(', ')}.` : ''}` +
    (r.wal_truncated ? '' : ' Another process is reading the database: its write-ahead log empties at the next checkpoint.'),
});
