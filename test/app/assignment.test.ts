/** assignParticipants: new participants scored against stored centres, rules and RFM. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignParticipants } from '../../src/app/assignment.js';
import { importInThisThread } from '../../src/app/import-participants.js';
import { recordInterview } from '../../src/app/interviews.js';
import { segmentByRules } from '../../src/app/rule-segments.js';
import { sampleRows, sampleStudy } from '../helpers/fixtures.js';
import { localFiles, seedSampleSegmentation, testStore } from '../helpers/stores.js';

const store = await testStore();
let studyId: number;
let segmentationId: number;
let segmentOf: Record<string, number>;
beforeAll(async () => ({ studyId, segmentationId, segmentOf } = await seedSampleSegmentation(store)));
afterAll(() => store.close());

/** Imports copies of sample participants under new ids (CRM columns only). */
async function importCopies(copies: Record<string, string>) {
  const rows = sampleRows();
  const header = Object.keys(rows[0]!);
  const lines = Object.entries(copies).map(([id, of]) => {
    const row: Record<string, string> = { ...rows.find((r) => r.participant_id === of)!, participant_id: id, email: `${id.toLowerCase()}@copy.example` };
    return header.map((c) => JSON.stringify(row[c])).join(',');
  });
  await importInThisThread(store, localFiles(), { studyId, csv: [header.join(','), ...lines].join('\n'), onDuplicate: 'error', skipInvalid: false, dryRun: false });
}

describe('assignParticipants', () => {
  it('a copy of a member, answers included, lands in that member\'s segment at the same distance', async () => {
    await importCopies({ N2: 'C1023', N3: 'C1001' });
    const interview = sampleStudy.interviews.find((i) => i.participant_id === 'C1023')!;
    await recordInterview(store, { studyId, participantId: 'N2', answers: interview.answers, quotes: [], themes: [], status: 'completed' });
    const r = await assignParticipants(store, segmentationId);
    // N2, N3 and the sample's 2 partial and 2 never-interviewed participants (clustering counted completed interviews).
    expect(r).toMatchObject({ scored: 6, changed: 0 });
    const placed = new Map(r.participants.map((p) => [p.participant_id, p]));
    const original = (await store.segmentations.members(segmentationId)).find((m) => m.participant_id === 'C1023')!;
    expect(placed.get('N2')!.segment_ids).toEqual([segmentOf['The Pragmatist']]);
    expect(placed.get('N2')!.distance).toBeCloseTo(original.distance!, 3);
    // N3 has only CRM columns: 4 of 10 features missing, imputed, and still placed.
    expect(placed.get('N3')!.segment_ids).toHaveLength(1);
    expect(r.by_segment.reduce((s, x) => s + x.added, 0)).toBe(6);
    expect((await store.segmentations.members(segmentationId)).filter((m) => m.assigned_by === 'assign').map((m) => m.participant_id).sort()).toEqual(['C1045', 'C1046', 'C1047', 'C1048', 'N2', 'N3']);
    // Scoring again finds nobody new; re-scoring named participants changes nothing.
    expect((await assignParticipants(store, segmentationId)).scored).toBe(0);
    expect((await assignParticipants(store, segmentationId, ['C1023', 'N2'])).changed).toBe(0);
    await expect(assignParticipants(store, segmentationId, ['ZZZ'])).rejects.toThrow(`participant_ids: not in study ${studyId}: ZZZ.`);
  });

  it('someone with no data is listed as unassigned with the reason', async () => {
    await importInThisThread(store, localFiles(), { studyId, csv: 'participant_id\nEMPTY\n', onDuplicate: 'error', skipInvalid: false, dryRun: false });
    const r = await assignParticipants(store, segmentationId);
    expect(r.unassigned).toEqual([{ participant_id: 'EMPTY', reason: expect.stringMatching(/^missing 10 of 10 features/) }]);
  });

  it('rules: first match, with the rest segment for those no rule matches', async () => {
    const rules = await segmentByRules(store, { studyId, mode: 'first_match', restName: 'Others', segments: [{ name: 'Big', where: [{ field: 'attr.mrr', op: 'gte', value: 500 }] }] });
    await importCopies({ R1: 'C1007', R2: 'C1023' }); // MRR 709 and 70
    const r = await assignParticipants(store, rules.segmentation_id);
    const placed = Object.fromEntries(r.participants.map((p) => [p.participant_id, p.segment_ids]));
    expect(placed).toEqual({ R1: [1], R2: [2] });
  });
});
