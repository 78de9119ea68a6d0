/**
 * A large import's writes on a second thread (app/import-writer.ts): the same participants, tags,
 * catalogue and counts as writing in the calling thread, one transaction (nothing kept when either
 * side fails), and the writer's own failures reported as the calling thread would report them.
 * Each import runs twice over the same CSV, once per way of writing, into two database files.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importOpened, type ImportHooks, type ImportRequest, type ImportResult } from '../../src/app/import-participants.js';
import { writeParticipantsBeside } from '../../src/app/import-writer.js';
import { CancelledError } from '../../src/errors.js';
import { SqliteStore } from '../../src/store/index.js';
import { tempDir } from '../helpers/stores.js';

const dir = tempDir('seglab-import-writer-');
const inThread = SqliteStore.open(join(dir, 'in-thread.db'));
const besideFile = join(dir, 'beside.db');
const beside = SqliteStore.open(besideFile);
afterAll(() => {
  inThread.close();
  beside.close();
});

const study = (store: SqliteStore, name: string) => store.studies.create({ name, mode: 'hybrid', probing_depth: 2 }).id;
const studies = () => [study(inThread, 'A'), study(beside, 'A')] as const;
// The two files number their studies alike (same calls in the same order).
const request = (studyId: number, csv: string, more: Partial<ImportRequest> = {}): ImportRequest => ({ studyId, csv, onDuplicate: 'update', skipInvalid: false, dryRun: false, ...more });
const plainHooks = (more: Partial<ImportHooks> = {}): ImportHooks => ({ checkpoint: () => undefined, beforeWrite: () => undefined, ...more });
const besideHooks = (more: Partial<ImportHooks> = {}): ImportHooks => plainHooks({ write: (...args) => writeParticipantsBeside(besideFile, ...args), ...more });

/** The same import both ways; the results must be equal, and are returned once. */
function importBoth(studyId: number, csv: string, more: Partial<ImportRequest> = {}): ImportResult {
  const a = importOpened(inThread, request(studyId, csv, more), null, plainHooks());
  const b = importOpened(beside, request(studyId, csv, more), null, besideHooks());
  expect(b).toEqual(a);
  return b;
}

/** Every participant of a study with its attributes (as JSON) and tags, in id order; ids, timestamps aside. */
const stored = (store: SqliteStore, studyId: number) =>
  store.db
    .prepare(
      `SELECT external_id, email, name, json(attributes) AS attributes, (SELECT group_concat(tag, '|') FROM (SELECT tag FROM participant_tags t WHERE t.participant_id = p.id ORDER BY tag)) AS tags
         FROM participants p WHERE study_id = ? ORDER BY id`,
    )
    .all(studyId);
const expectSameStores = (studyId: number) => {
  const a = stored(inThread, studyId);
  expect(a.length).toBeGreaterThan(0);
  expect(stored(beside, studyId)).toEqual(a);
  expect(beside.studies.attributes(studyId)).toEqual(inThread.studies.attributes(studyId));
};

/** A CRM export of `n` rows: many of the writer's batches (1,000 rows) and of its tag writes (12,000 rows and tags). */
function crm(n: number, from = 0): string {
  const lines = ['customer_id,email,name,plan,mrr,active,signup_date,tags'];
  for (let i = from; i < from + n; i++) {
    const tags = i % 4 === 0 ? 'churned;new' : i % 4 === 1 ? 'expanded' : i % 4 === 2 ? '' : 'at-risk;price-sensitive';
    lines.push(`C${String(i).padStart(6, '0')},${i % 11 === 0 ? '' : `c${i}@x.example`},Name ${i},${['Starter', 'Team', 'Business'][i % 3]},${i % 13 === 0 ? '' : (i % 500) + 0.5},${i % 2 ? 'yes' : 'no'},2025-0${(i % 9) + 1}-1${i % 10},"${tags}"`);
  }
  return lines.join('\n') + '\n';
}

describe('import rows written on a second thread', () => {
  it('writes the same participants, tags, catalogue and counts as the calling thread, then merges a re-import', () => {
    const [studyId] = studies();
    const first = importBoth(studyId, crm(12_345));
    expect(first).toMatchObject({ written: true, inserted: 12_345, updated: 0, participants_total: 12_345 });
    expectSameStores(studyId);
    expect(beside.participants.tags(beside.participants.get(studyId, 'C000003').id)).toEqual(['at-risk', 'price-sensitive']);
    // Half of them again, with new values, and new people: updates keep file order, ids are not duplicated.
    const again = importBoth(studyId, crm(8_000, 8_000).replace(/Name /g, 'Renamed '));
    expect(again).toMatchObject({ written: true, inserted: 3_655, updated: 4_345, participants_total: 16_000 });
    expectSameStores(studyId);
    expect(beside.participants.get(studyId, 'C008000').name).toBe('Renamed 8000');
  });

  it('keeps two studies apart (same ids in each)', () => {
    const [one] = studies();
    const [two] = studies();
    importBoth(one, crm(3_000));
    importBoth(two, crm(3_000));
    expectSameStores(one);
    expectSameStores(two);
    expect(beside.studies.counts(one).participants).toBe(3_000);
    expect(beside.studies.counts(two).participants).toBe(3_000);
  });

  it('rolls the first reading back and writes again when the whole file types a column otherwise', () => {
    const [studyId] = studies();
    // Month-first-looking dates in the first 2,000 rows; day-first ones only after them.
    const lines = ['id,renewal,tags'];
    for (let i = 0; i < 4_600; i++) lines.push(`c${i},${i < 4_500 ? `0${1 + (i % 9)}/0${1 + ((i + 3) % 9)}/2024` : `${13 + (i % 15)}/0${1 + (i % 9)}/2024`},t${i % 3}`);
    const r = importBoth(studyId, lines.join('\n') + '\n');
    expect(r).toMatchObject({ written: true, inserted: 4_600 });
    expect(r.attributes[0]).toMatchObject({ type: 'date', format: 'D/M/YYYY' });
    expectSameStores(studyId);
    expect(beside.participants.get(studyId, 'c0').attributes).toEqual({ renewal: '2024-04-01' });
    expect(beside.db.prepare('SELECT count(*) FROM participant_tags').pluck().get()).toBe(inThread.db.prepare('SELECT count(*) FROM participant_tags').pluck().get());
  });

  it('reports duplicate ids and bad lines with their line numbers and writes nothing', () => {
    const [studyId] = studies();
    const csv = crm(5_000).replace('C004000,', 'C000007,').replace('C004500,c4500@x.example', 'C004500,not-an-email');
    const r = importBoth(studyId, csv);
    expect(r.written).toBe(false);
    expect(r.errors.map((e) => e.line)).toEqual([4_002, 4_502]);
    expect(r.errors[0]!.message).toMatch(/C000007/);
    expect(beside.studies.counts(studyId).participants).toBe(0);
  });

  it('rolls everything back when the reading side stops half-way (a cancellation)', () => {
    const [studyId] = studies();
    let checks = 0;
    const cancelLate = besideHooks({
      checkpoint: () => {
        // The check every 4,096 records: the writer has rows of this transaction by the third.
        if (++checks === 3) throw new CancelledError();
      },
    });
    expect(() => importOpened(beside, request(studyId, crm(20_000)), null, cancelLate)).toThrow(CancelledError);
    expect(beside.studies.counts(studyId).participants).toBe(0);
    expect(beside.db.prepare('SELECT count(*) FROM participant_tags t JOIN participants p ON p.id = t.participant_id WHERE p.study_id = ?').pluck().get(studyId)).toBe(0);
    // The writer let the database go: the next write goes through.
    expect(importOpened(beside, request(studyId, crm(10)), null, besideHooks()).inserted).toBe(10);
  });

  it('reports a participant written by someone else meanwhile as the calling thread does, and keeps nothing', () => {
    const [studyId] = studies();
    // Between reading the study's ids and writing, another writer adds one of the file's ids.
    const sneak = (store: SqliteStore) => () => void store.participants.create(studyId, { external_id: 'C002500' });
    const failure = (store: SqliteStore, hooks: ImportHooks) => {
      try {
        importOpened(store, request(studyId, crm(6_000)), null, hooks);
      } catch (error) {
        return error as Error;
      }
      throw new Error('imported');
    };
    const a = failure(inThread, plainHooks({ beforeWrite: sneak(inThread) }));
    const b = failure(beside, besideHooks({ beforeWrite: sneak(beside) }));
    expect([b.name, b.message]).toEqual([a.name, a.message]);
    expect(b.message).toMatch(/Nothing was imported: participant "C002500"/);
    expect(beside.studies.counts(studyId).participants).toBe(1);
  });
});
