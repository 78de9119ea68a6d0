/**
 * Issue 16 item 5: the same report on both engines. The sample study, clustered and named on each
 * engine, gives a report (every section: questions, themes, segments, comparison, validation,
 * prioritization, crosstabs and drivers) whose numbers agree to 1e-9 and whose members and texts are
 * the same, ids, times and file paths aside.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateReport } from '../../src/report/generate.js';
import type { Store } from '../../src/store/index.js';
import { openPostgresStore } from '../../src/store/postgres/engine.js';
import { expectClose } from '../helpers/engines.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { seedSampleSegmentation, tempStore } from '../helpers/stores.js';

let server: PostgresServer;
let postgres: Store;
const sqlite = tempStore();
const folders: string[] = [];
beforeAll(async () => {
  server = await startPostgres();
  postgres = await openPostgresStore(server.createDatabase('report'));
}, 60_000);
afterAll(async () => {
  await postgres?.close();
  await sqlite.close();
  server?.stop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Ids, times, durations and paths replaced: what may differ between two databases. */
const comparable = (value: unknown) =>
  JSON.parse(
    JSON.stringify(value, (key, v) => {
      if (/_at$|_ms$/.test(key) || ['id', 'study_id', 'segmentation_id', 'segment_id', 'files', 'resources'].includes(key)) return '<varies>';
      return typeof v === 'string' ? v.replace(/(segmentation|study|segment) \d+/g, '$1 <id>').replace(/seglab:\/\/[^\s)"]+/g, '<uri>') : v;
    }),
  );

it('the sample study gives the same report on SQLite and PostgreSQL: every section, numbers to 1e-9, the same members and texts', async () => {
  const reports = [];
  for (const store of [sqlite, postgres]) {
    const { studyId, segmentationId } = await seedSampleSegmentation(store);
    const folder = mkdtempSync(join(tmpdir(), 'seglab-engine-report-'));
    folders.push(folder);
    const { result, report } = await generateReport(store, folder, { studyId, segmentationId, format: 'json' });
    expect(result.failed_sections).toEqual([]);
    reports.push({ sections: result.sections, population: result.population, charts: result.charts, report });
  }
  const [onSqlite, onPostgres] = reports.map(comparable);
  expect(onSqlite.sections).toEqual(expect.arrayContaining(['questions', 'themes', 'segments', 'comparison', 'validation', 'crosstabs_and_drivers']));
  expectClose(onSqlite, onPostgres, 'report');
}, 120_000);
