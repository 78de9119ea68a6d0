/** exportSegments: CRM-ready CSV written to the reports folder (formula-safe), and paginated JSON. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSegments } from '../../src/app/export.js';
import { importInThisThread } from '../../src/app/import-participants.js';
import { segmentByRules } from '../../src/app/rule-segments.js';
import { sampleArchetypes, sampleRows } from '../helpers/fixtures.js';
import { localFiles, seedSampleSegmentation, testStore } from '../helpers/stores.js';

const store = await testStore();
const files = localFiles();
let studyId: number;
let segmentationId: number;
beforeAll(async () => ({ studyId, segmentationId } = await seedSampleSegmentation(store)));
afterAll(() => store.close());

const options = { format: 'csv', crm: 'generic', limit: 100 } as const;

describe('exportSegments', () => {
  it('HubSpot columns, one row per member, names split, written to study-<id>/ and inlined', async () => {
    const r = await exportSegments(store, files, { ...options, segmentationId, crm: 'hubspot' });
    expect(r.columns).toEqual(['Email', 'First Name', 'Last Name', 'seglab_participant_id', 'seglab_segment']);
    expect(r.path).toBe(join(files.outputDir, `study-${studyId}`, `segmentation-${segmentationId}-hubspot.csv`));
    expect(readFileSync(r.path!, 'utf8')).toBe(r.csv);
    const rows = parse(r.csv!, { columns: true }) as Record<string, string>[];
    const crm = new Map(sampleRows().map((p) => [p.participant_id, p]));
    expect(rows).toHaveLength(44); // the 44 completed interviews (the population rule)
    for (const row of rows) {
      const person = crm.get(row.seglab_participant_id!)!;
      expect(row.seglab_segment).toBe(sampleArchetypes[row.seglab_participant_id!]);
      expect(row.Email).toBe(person.email);
      expect(`${row['First Name']} ${row['Last Name']}`).toBe(person.name);
    }
    expect(r.without_email).toBe(0);
  });

  it('a value a spreadsheet would run as a formula is written as text', async () => {
    await importInThisThread(store, files, { studyId, csv: 'participant_id,email,name\nZ1,,"=HYPERLINK(""http://evil"")"\n', onDuplicate: 'error', skipInvalid: false, dryRun: false });
    const rules = await segmentByRules(store, { studyId, mode: 'first_match', segments: [{ name: '=cmd|calc', where: [{ field: 'participant_id', op: 'eq', value: 'Z1' }] }] });
    const r = await exportSegments(store, files, { ...options, segmentationId: rules.segmentation_id });
    const [row] = parse(r.csv!, { columns: true }) as Record<string, string>[];
    expect(row).toEqual({ participant_id: 'Z1', email: '', name: `'=HYPERLINK("http://evil")`, segment_id: '1', segment_name: "'=cmd|calc", segmentation_id: String(rules.segmentation_id) });
    expect(r.without_email).toBe(1);
  });

  it('JSON pages cover every member once', async () => {
    const first = await exportSegments(store, files, { ...options, segmentationId, format: 'json', limit: 30 });
    const second = await exportSegments(store, files, { ...options, segmentationId, format: 'json', limit: 30, cursor: first.next_cursor! });
    expect([first.rows!.length, second.rows!.length, second.next_cursor]).toEqual([30, 14, null]);
    expect(new Set([...first.rows!, ...second.rows!].map((r) => r.participant_id)).size).toBe(44);
    expect(first.path).toBeNull();
  });
});
