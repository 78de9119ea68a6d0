/** assign_participants through the MCP client. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { useSampleSegmentation } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
let seg: number;
let segmentOf: Record<string, number>;
useSampleSegmentation((s) => ({ h, study_id, seg, segmentOf } = s));

describe('assign_participants', () => {
  it('places new customers at the nearest stored centre', async () => {
    const csv = readFileSync(new URL('../../data/sample-study/participants.csv', import.meta.url), 'utf8').split('\n');
    const header = csv[0]!;
    const copy = (id: string, as: string) => csv.find((l) => l.startsWith(`${id},`))!.replace(`${id},`, `${as},`).replace(/,[^,]*@/, `,${as.toLowerCase()}@`);
    await h.ok('import_participants', { study_id, csv: [header, copy('C1007', 'N1'), copy('C1023', 'N2'), 'N3,,,,,,,,,,,,,,'].join('\n') });
    await h.ok('record_interview', { study_id, participant_id: 'N2', answers: [{ question: 'core_value_importance', value: 5 }, { question: 'primary_use_case', value: 'Survey analysis' }, { question: 'buying_factors', value: ['Price', 'Features', 'Speed', 'Trust', 'Support'] }, { question: 'team_usage', value: 'no' }] });
    const r = await h.ok('assign_participants', { segmentation_id: seg });
    // N1–N3, and the sample's 2 partial and 2 never-interviewed participants, whom clustering does not count.
    expect(r.scored).toBe(7);
    const placed = new Map(r.participants.map((p: any) => [p.participant_id, p.segment_ids[0]]));
    expect(placed.get('N1')).toBe(segmentOf['The Advocate']); // CRM data only: 4 of 10 features missing, imputed
    expect(placed.get('N2')).toBe(segmentOf['The Pragmatist']);
    expect(r.unassigned).toEqual([{ participant_id: 'N3', reason: expect.stringMatching(/missing 10 of 10 features/) }]);
    const again = await h.ok('assign_participants', { segmentation_id: seg });
    expect(again.scored).toBe(1); // only N3 is still outside
    const rescored = await h.ok('assign_participants', { segmentation_id: seg, participant_ids: ['C1023', 'N2'] });
    expect(rescored.changed).toBe(0);
    expect((await h.ok('get_segmentation', { segmentation_id: seg, segment_id: 'The Pragmatist', limit: 50 })).members.participants.find((m: any) => m.participant_id === 'N2').assigned_by).toBe('assign');
    expect(await h.fail('assign_participants', { segmentation_id: seg, participant_ids: ['ZZZ'] })).toMatch(/not in study/);
  });
});
