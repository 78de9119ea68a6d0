/** export_segments through the MCP client. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { useSampleSegmentation } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
let seg: number;
useSampleSegmentation((s) => ({ h, study_id, seg } = s));

describe('export_segments', () => {
  it('CSV for HubSpot with formula-safe cells, and paginated JSON', async () => {
    await h.ok('import_participants', { study_id, csv: 'participant_id,email,name\nZ1,z1@x.example,"=HYPERLINK(""http://evil"")"\n' });
    const csv = await h.ok('export_segments', { segmentation_id: seg, crm: 'hubspot' });
    expect(csv.columns).toEqual(['Email', 'First Name', 'Last Name', 'seglab_participant_id', 'seglab_segment']);
    expect(csv.total).toBe(44); // the 44 completed interviews (the population rule)
    const lines = csv.csv.trim().split('\r\n');
    expect(lines).toHaveLength(45);
    expect(lines.find((l: string) => l.includes(',C1023,'))).toMatch(/,The Pragmatist$/);
    expect(readFileSync(csv.path, 'utf8')).toBe(csv.csv);
    const result: any = await h.call('export_segments', { segmentation_id: seg });
    // The file is a seglab:// resource any client can read (a file:// link is dead for remote clients).
    const link = result.content.find((c: any) => c.type === 'resource_link');
    expect(link.uri).toBe(`seglab://studies/${study_id}/exports/segmentation-${seg}-generic.csv`);
    const served = await h.client.readResource({ uri: link.uri });
    expect((served.contents[0] as { text: string }).text).toBe(readFileSync(result.structuredContent.path, 'utf8'));

    // A name that a spreadsheet would execute is escaped with a leading quote.
    const rules = await h.ok('segment_by_rules', { study_id, segments: [{ name: '=cmd|calc', where: [{ field: 'participant_id', op: 'eq', value: 'Z1' }] }] });
    const risky = await h.ok('export_segments', { segmentation_id: rules.segmentation_id });
    expect(risky.csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(risky.csv).toContain(`'=cmd|calc`);

    const page1 = await h.ok('export_segments', { segmentation_id: seg, format: 'json', limit: 30 });
    expect(page1.rows).toHaveLength(30);
    const page2 = await h.ok('export_segments', { segmentation_id: seg, format: 'json', limit: 30, cursor: page1.next_cursor });
    expect(page2.rows).toHaveLength(14);
    expect(page2.next_cursor).toBeNull();
    expect(new Set([...page1.rows, ...page2.rows].map((r: any) => r.participant_id)).size).toBe(44);
  });

  it('keeps the totals of the first page until the data changes, then counts them again', async () => {
    const first = await h.ok('export_segments', { segmentation_id: seg, format: 'json', limit: 5 });
    const kept = await h.store.segmentations.storedExportTotals(seg);
    expect(kept).toMatchObject({ version: await h.store.studies.dataVersion(study_id), members: { participants: first.total, without_email: first.without_email } });
    // A member is deleted: the next first page counts again.
    const b = first.rows[1].participant_id;
    expect((await h.ok('export_segments', { segmentation_id: seg, format: 'json', limit: 5 })).total).toBe(first.total);
    await h.ok('delete_participant', { study_id, participant_id: b, confirm: true });
    const again = await h.ok('export_segments', { segmentation_id: seg, format: 'json', limit: 5 });
    expect(again.total).toBe(first.total - 1);
    expect((await h.store.segmentations.storedExportTotals(seg))?.members?.participants).toBe(first.total - 1);
  });

  it('carries the kept totals over writes that change no membership or e-mail, so a first page after an interview counts nothing', async () => {
    const page = () => h.ok('export_segments', { segmentation_id: seg, format: 'json', limit: 5 });
    const first = await page();
    /** The kept totals are current right after the write and equal a count of the members now. */
    const keptCurrent = async () => {
      const kept = await h.store.segmentations.storedExportTotals(seg);
      expect(kept).toMatchObject({ version: await h.store.studies.dataVersion(study_id), members: await h.store.segmentations.exportTotals(seg) });
    };
    const member = first.rows[0].participant_id;
    await h.ok('record_interview', { study_id, participant_id: member, status: 'completed', answers: [], themes: [{ code: 'export_later', quote: 'We export every week.' }] });
    await keptCurrent();
    await h.ok('record_interview', { study_id, participant_id: 'walk-in-export', status: 'partial', participant: { email: 'walk@in.example' }, answers: [] });
    await keptCurrent();
    await h.ok('code_themes', { study_id, codes: [{ participant_id: member, theme: 'weekly_export' }] });
    await keptCurrent();
    expect((await page()).total).toBe(first.total);
    // A participant's e-mail changed by an import: counted again at the next first page.
    await h.ok('import_participants', { study_id, csv: `participant_id,email\n${member},\n` });
    const stale = await h.store.segmentations.storedExportTotals(seg);
    expect(stale!.version).toBeLessThan(await h.store.studies.dataVersion(study_id));
    const after = await page();
    expect(after.without_email).toBe((await h.store.segmentations.exportTotals(seg)).without_email);
    await keptCurrent();
  });
});
