/** get_segmentation through the MCP client, and segments shown by get_study and get_participant. */
import { describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { sampleArchetypes, useSampleSegmentation } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
let seg: number;
let segmentOf: Record<string, number>;
useSampleSegmentation((s) => ({ h, study_id, seg, segmentOf } = s));

describe('get_segmentation', () => {
  it('returns profiles and persona cards whose every claim cites members of the segment', async () => {
    await h.ok('update_segment', { segmentation_id: seg, segment_id: 'The Pragmatist', playbook: { sales: 'Lead with price' } });
    const all = await h.ok('get_segmentation', { segmentation_id: seg });
    expect(all.method).toBe('kmeans');
    expect(all.segments).toHaveLength(4);
    expect(all.other_segments).toEqual([]);
    // Each segment in full (segment_id): the all-segments view shares the output budget.
    const r = { segments: [] as any[] };
    for (const s of all.segments) r.segments.push(...(await h.ok('get_segmentation', { segmentation_id: seg, segment_id: s.segment_id })).segments);
    const members = new Map((await h.store.segmentations.members(seg)).map((m) => [m.participant_id, m.segment_id]));
    for (const s of r.segments) {
      const p = s.persona;
      const claims = [p.role, ...p.context, ...p.goals, ...p.frustrations, ...p.behaviours].filter(Boolean);
      expect(claims.length).toBeGreaterThan(3);
      for (const c of claims) {
        expect(c.participant_ids.length, c.text).toBeGreaterThan(0);
        for (const id of c.participant_ids) expect(members.get(id), `${c.text} cites ${id}`).toBe(s.segment_id);
      }
      expect(members.get(p.quote.participant_id)).toBe(s.segment_id);
      expect(s.profile.find((f: any) => f.field === 'answer.core_value_importance').measure).toBe('mean');
    }
    const struggler = r.segments.find((s: any) => s.segment_id === segmentOf['The Struggler']);
    expect(struggler.persona.frustrations.map((c: any) => c.text).join(' ')).toMatch(/needs guidance|onboarding friction/);
    expect(struggler.persona.context.map((c: any) => c.text).join(' ')).toMatch(/tagged churned/);
    const pragmatist = r.segments.find((s: any) => s.name === 'The Pragmatist');
    expect(pragmatist.persona.name).toBe('The Pragmatist');
    expect(pragmatist.playbook.sales).toBe('Lead with price');
    expect(pragmatist.profile.find((f: any) => f.field === 'answer.buying_factors').values[0]).toMatchObject({ option: 'Price' });
  });

  it('pages through members and focuses on one segment by name', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await h.ok('get_segmentation', { segmentation_id: seg, limit: 20, ...(cursor ? { cursor } : {}) });
      expect(page.members.total).toBe(44);
      seen.push(...page.members.participants.map((m: any) => m.participant_id));
      cursor = page.members.next_cursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(44);
    const one = await h.ok('get_segmentation', { segmentation_id: seg, segment_id: 'The Pragmatist', limit: 50 });
    expect(one.segments).toHaveLength(1);
    expect(one.members.total).toBe(12);
    expect(one.members.participants.every((m: any) => sampleArchetypes[m.participant_id] === 'The Pragmatist')).toBe(true);
  });

  it('shows segments in get_study and get_participant', async () => {
    const study = await h.ok('get_study', { study_id });
    expect(study.segmentations.some((s: any) => s.segmentation_id === seg && s.method === 'kmeans' && s.k === 4)).toBe(true);
    const p = await h.ok('get_participant', { study_id, participant_id: 'C1023' });
    expect(p.segments.find((s: any) => s.segmentation_id === seg)).toMatchObject({ name: 'The Pragmatist' });
  });
});
