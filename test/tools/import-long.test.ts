/**
 * A long import (a 100,000-row CRM export) through the MCP client against a database file: it
 * runs on a worker thread, so other calls are answered while it works, writes wait for it
 * without failing, and a cancellation (notifications/cancelled) saves nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyCsv, tinyQuestions } from '../helpers/fixtures.js';
import { connect, type Harness } from '../helpers/harness.js';
import { importsOnWorker } from '../../src/app/import-participants.js';

const ROWS = 100_000;
const dir = mkdtempSync(join(tmpdir(), 'seglab-long-import-'));
const csvPath = join(dir, 'hubspot-contacts.csv');

/** A HubSpot-style export: money, US dates, yes/no, a plan, lifecycle tags. */
function writeExport(): void {
  const plans = ['Starter', 'Professional', 'Enterprise'];
  const tags = ['new', 'long-tenure', 'churned;at-risk', 'expanded'];
  const lines = ['Record ID,Email,First Name,Last Name,Plan,MRR,Seats,Create Date,Active,Country,NPS,Tags'];
  for (let i = 0; i < ROWS; i++) {
    const mrr = ((i * 7919) % 50_000) / 10;
    lines.push(
      `${1000 + i},user${i}@example.com,Ana${i % 97},Ruiz,${plans[i % 3]},"$${mrr.toLocaleString('en-US', { minimumFractionDigits: 2 })}",${1 + (i % 40)},${1 + (i % 12)}/${1 + (i % 28)}/2024,${i % 5 ? 'Yes' : 'No'},${['US', 'DE', 'FR'][i % 3]},${i % 11},${tags[i % 4]}`,
    );
  }
  writeFileSync(csvPath, lines.join('\n') + '\n');
}

let h: Harness;
beforeAll(async () => {
  writeExport();
  h = await connect({ dbPath: join(dir, 'seglab.db') });
});
afterAll(async () => h.close());

const participants = async (studyId: number) => (await h.ok('get_study', { study_id: studyId })).counts.participants as number;

describe('a long import into a SQLite file (on a worker thread)', () => {
  it('leaves other calls answered while it runs, and a write during it waits and succeeds', async () => {
    const { study_id } = await h.ok('create_study', { name: 'Big import' });
    const { study_id: other } = await h.ok('create_study', { name: 'Interviews meanwhile' });
    await h.ok('add_questions', { study_id: other, questions: tinyQuestions });
    await h.ok('import_participants', { study_id: other, csv: tinyCsv });

    let writing!: () => void;
    const firstProgress = new Promise<'writing'>((resolve) => (writing = () => resolve('writing')));
    const importing = h.client.callTool({ name: 'import_participants', arguments: { study_id, path: csvPath } }, { onprogress: () => writing() });
    // Once rows are being written, other calls are answered at once, from the last committed
    // state (no participants yet); a blocking import would answer nothing before it is done.
    expect(await Promise.race([firstProgress, importing.then(() => 'finished')])).toBe('writing');
    const listed = await h.ok('list_studies', {});
    expect(listed.studies.find((s: { study_id: number }) => s.study_id === study_id).participants).toBe(0);
    const interview = await h.ok('record_interview', {
      study_id: other,
      participant_id: 'p1',
      status: 'completed',
      interviewed_at: '2026-10-01T10:00:00Z',
      answers: [{ question: 'importance', value: '4' }],
    });
    expect(interview.answers_total).toBe(1);

    const result = (await importing) as { isError?: boolean; structuredContent: any };
    expect(result.isError).toBeFalsy();
    const imported = result.structuredContent;
    expect(imported).toMatchObject({ written: true, inserted: ROWS, rows_read: ROWS, errors: [], participants_total: ROWS });
    expect(imported.attributes.find((a: { name: string }) => a.name === 'MRR')).toMatchObject({ type: 'number', unit: 'USD', values: ROWS });
    expect(imported.attributes.find((a: { name: string }) => a.name === 'Create Date')).toMatchObject({ type: 'date', format: 'M/D/YYYY' });
    const last = await h.ok('get_participant', { study_id, participant_id: String(1000 + ROWS - 1) });
    expect(last).toMatchObject({ email: `user${ROWS - 1}@example.com`, attributes: { Plan: 'Starter', Active: true, MRR: ((ROWS - 1) * 7919 % 50_000) / 10, 'Create Date': '2024-04-12' } });
    expect(await participants(study_id)).toBe(ROWS);
  });

  it('stops on notifications/cancelled, saves nothing, and the server goes on answering', async () => {
    const { study_id } = await h.ok('create_study', { name: 'Cancelled import' });
    const controller = new AbortController();
    const progress: number[] = [];
    const call = h.client.callTool(
      { name: 'import_participants', arguments: { study_id, path: csvPath } },
      {
        signal: controller.signal,
        onprogress: (p) => {
          progress.push(p.progress);
          // Cancelled while rows are being written (progress comes from the writing pass).
          if (progress.length === 2) controller.abort('the user changed their mind');
        },
      },
    );
    await expect(call).rejects.toThrow();
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[1]).toBeLessThan(ROWS);
    // A later write waits for the cancelled import's worker to let go of the database, then succeeds.
    const small = await h.ok('import_participants', { study_id, csv: 'id,plan\nafter-1,pro\n' });
    expect(small).toMatchObject({ written: true, inserted: 1, participants_total: 1 });
    expect(await participants(study_id)).toBe(1);
    expect((await h.ok('list_studies', {})).studies.find((s: { study_id: number }) => s.study_id === study_id).participants).toBe(1);
  });

  it('runs even a one-line import on the worker when the study is large (matching reads every participant), and matches rows as before', async () => {
    // A study above the bound (SEGLAB_COUNTS_INLINE_MAX lowered to 3 here; 50,000 by default).
    const { study_id } = await h.ok('create_study', { name: 'Large study, small import' });
    await h.ok('import_participants', { study_id, csv: 'Record ID,Email,Plan\n1,ana@example.com,Starter\n2,bo@example.com,Pro\n3,cy@example.com,Pro\n' });
    const bound = process.env.SEGLAB_COUNTS_INLINE_MAX;
    process.env.SEGLAB_COUNTS_INLINE_MAX = '3';
    try {
      const line = 'Record ID,Email,Plan\n2,bo@example.com,Enterprise\n9,ANA@example.com,Starter\n10,new@example.com,Pro\n';
      expect(await importsOnWorker(h.store, study_id, line.length)).toBe(false);
      await h.ok('import_participants', { study_id, csv: 'Record ID,Email,Plan\n4,di@example.com,Pro\n' });
      expect(await importsOnWorker(h.store, study_id, line.length)).toBe(true);
      // Id 2 updated, "9" found by its e-mail (case folded) as participant 1, "10" new: as in this thread.
      expect(await h.ok('import_participants', { study_id, csv: line })).toMatchObject({ written: true, inserted: 1, updated: 2, participants_total: 5 });
      expect(await h.ok('get_participant', { study_id, participant_id: '2' })).toMatchObject({ attributes: { Plan: 'Enterprise' } });
      expect(await h.ok('get_participant', { study_id, participant_id: '1' })).toMatchObject({ attributes: { Plan: 'Starter' } });
    } finally {
      if (bound === undefined) delete process.env.SEGLAB_COUNTS_INLINE_MAX;
      else process.env.SEGLAB_COUNTS_INLINE_MAX = bound;
    }
  });
});
