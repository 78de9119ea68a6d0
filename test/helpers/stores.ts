/**
 * Stores for the app/ and store/ tests: a real SQLite file in a temporary folder, seeded through
 * the app use cases (the same calls the tools make, without the protocol).
 */
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
import { SqliteStore, sqliteEngine, type Store } from '../../src/store/index.js';
import { answerList, sampleArchetypes, sampleStudy, tinyCsv, tinyInterviews, tinyQuestions } from './fixtures.js';

/** A fresh folder for one test's database or output files. */
export const tempDir = (prefix = 'seglab-test-') => mkdtempSync(join(tmpdir(), prefix));

/** The app layer's store on the SQLite file at `path`, with the connection below it for checks in raw SQL. */
export type TestStore = Store & { readonly db: Db };
export function openTestStore(path: string): TestStore {
  const sqlite = SqliteStore.open(path);
  return Object.assign(sqliteEngine(sqlite), { db: sqlite.db });
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
