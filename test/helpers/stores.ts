/**
 * Stores for the app/ and store/ tests: a real SQLite file in a temporary folder, or in the
 * `postgres` project (vitest.config.ts) a fresh PostgreSQL database; seeded through the app use
 * cases (the same calls the tools make, without the protocol).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileAccess } from '../../src/app/files.js';
import { importInThisThread } from '../../src/app/import-participants.js';
import { recordInterview, type InterviewRecord } from '../../src/app/interviews.js';
import { clusterParticipants } from '../../src/app/clustering.js';
import { updateSegment } from '../../src/app/segment-naming.js';
import { addQuestions, createStudy } from '../../src/app/studies.js';
import type { Db } from '../../src/store/db.js';
import { connectStore, SqliteStore, sqliteEngine, type Store } from '../../src/store/index.js';
import pg from 'pg';
import { inject } from 'vitest';
import { answerList, sampleArchetypes, sampleStudy, tinyCsv, tinyInterviews, tinyQuestions } from './fixtures.js';

/** A fresh folder for one test's database or output files. */
export const tempDir = (prefix = 'seglab-test-') => mkdtempSync(join(tmpdir(), prefix));

/** The app layer's store, with a way to read what the database holds for checks no tool shows. */
export type TestStore = Store & {
  /** SQLite's connection, for checks only a SQLite file allows (PRAGMAs, WAL, bytes); throws on PostgreSQL. */
  readonly db: Db;
  /** Every row of `table` as stored (e.g. to show a secret is kept only as a hash), on either engine. */
  tableRows(table: string): Promise<Record<string, unknown>[]>;
};

/** The app layer's store on the SQLite file at `path`, with the connection below it for checks in raw SQL. */
export function openTestStore(path: string): TestStore {
  const sqlite = SqliteStore.open(path);
  const tableRows = async (table: string) => sqlite.db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
  return Object.assign(sqliteEngine(sqlite), { db: sqlite.db, tableRows });
}

/** The PostgreSQL server (postgres://user@host:port) of the `postgres` project (test/helpers/postgres-server.ts); null in the `sqlite` project. */
export function testPostgresServer(): string | null {
  return inject('seglabTestPostgres') || null;
}

/** A store on a fresh database of the PostgreSQL server at `server`. */
export async function postgresTestStore(server: string): Promise<TestStore> {
  const name = `seglab_${randomUUID().replace(/-/g, '')}`;
  await onDatabase(`${server}/postgres`, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = `${server}/${name}`;
  const store = await connectStore(url);
  const tableRows = (table: string) => onDatabase(url, async (client) => (await client.query(`SELECT * FROM ${table}`)).rows as Record<string, unknown>[]);
  return Object.defineProperties(store, {
    tableRows: { value: tableRows },
    db: {
      get() {
        throw new Error('This check reads SQLite directly: give the harness a file (connect({ dbPath })) or check through the Store or tableRows.');
      },
    },
  }) as TestStore;
}

async function onDatabase<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A store on a fresh database of the engine under test (close it after the file's tests). */
export async function testStore(): Promise<TestStore> {
  const server = testPostgresServer();
  return server ? postgresTestStore(server) : tempStore();
}

/** A store on a new database file. */
export const tempStore = () => openTestStore(join(tempDir(), 'seglab.db'));

/** Files as stdio serves them: any path may be read; output goes to a temporary folder. */
export const localFiles = (): FileAccess => ({ allowAnyPath: true, importRoot: null, outputDir: tempDir('seglab-out-') });

const importOptions = { onDuplicate: 'update', skipInvalid: false, dryRun: false } as const;

/** record_interview's arguments (snake_case, as in the fixtures) as the app's InterviewRecord. */
function interviewRecord(studyId: number, x: Record<string, any>): InterviewRecord {
  return {
    studyId,
    participantId: x.participant_id,
    answers: Array.isArray(x.answers) ? x.answers : answerList(x.answers),
    transcript: x.transcript,
    quotes: x.quotes ?? [],
    themes: x.themes ?? [],
    notes: x.notes,
    status: x.status ?? 'completed',
    interviewedAt: x.interviewed_at,
  };
}

/** The tiny study of fixtures.ts (six participants, every question type) in `store`. */
export async function seedTinyStore(store: Store): Promise<number> {
  const { study_id } = await createStudy(store, { name: 'Tiny', decision: 'What to build next', mode: 'hybrid', probing_depth: 2 });
  await addQuestions(store, study_id, tinyQuestions as Parameters<typeof addQuestions>[2]);
  await importInThisThread(store, localFiles(), { studyId: study_id, csv: tinyCsv, ...importOptions });
  for (const interview of tinyInterviews) await recordInterview(store, interviewRecord(study_id, interview));
  return study_id;
}

/** The 48-customer sample study (data/sample-study/) in `store`, as the demo loads it. */
export async function seedSampleStore(store: Store): Promise<number> {
  const { study_id } = await createStudy(store, { mode: 'hybrid', probing_depth: 2, ...sampleStudy.study } as Parameters<typeof createStudy>[1]);
  await addQuestions(store, study_id, sampleStudy.questions as Parameters<typeof addQuestions>[2]);
  await importInThisThread(store, localFiles(), { studyId: study_id, path: sampleStudy.participantsCsv, ...importOptions });
  for (const interview of sampleStudy.interviews) await recordInterview(store, interviewRecord(study_id, interview));
  return study_id;
}

/**
 * The sample study clustered with k = 4 (which recovers the planted archetypes exactly) and each
 * segment named after its archetype. `segmentOf` maps an archetype to its segment number.
 */
export async function seedSampleSegmentation(store: Store): Promise<{ studyId: number; segmentationId: number; segmentOf: Record<string, number> }> {
  const studyId = await seedSampleStore(store);
  const { segmentation_id: segmentationId } = await clusterParticipants(store, { studyId, k: 4, bootstraps: 5 });
  const segmentOf: Record<string, number> = {};
  for (const m of await store.segmentations.members(segmentationId)) segmentOf[sampleArchetypes[m.participant_id]!] = m.segment_id;
  for (const [name, segment] of Object.entries(segmentOf)) await updateSegment(store, { segmentationId, segment, name });
  return { studyId, segmentationId, segmentOf };
}
