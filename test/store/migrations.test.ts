/**
 * Files written by older seglab versions (schema 1 and 2, made here with those versions' own
 * migrations) upgrade in place and keep their data; a file from a newer seglab is left untouched.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { queryParticipants } from '../../src/app/participants.js';
import { openDatabase } from '../../src/store/db.js';
import { latestSchemaVersion, migrations } from '../../src/store/migrations.js';
import { openTestStore, tempDir } from '../helpers/stores.js';

const attributes = { plan: 'Team', mrr: 49.5, active: true, note: 'say "hi"', since: '2024-01-31' };

/** A database file as seglab at schema `version` wrote it: its migrations, its user_version, some data. */
function olderFile(version: number): string {
  const path = join(tempDir(), 'seglab.db');
  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  for (const m of migrations.filter((m) => m.version <= version)) raw.exec(m.sql);
  raw.pragma(`user_version = ${version}`);
  raw.exec(`
    INSERT INTO studies (id, name, mode, probing_depth, created_at, updated_at) VALUES (1, 'Old', 'hybrid', 2, 'x', 'x');
    INSERT INTO study_attributes VALUES (1, 'plan', 'category', 1), (1, 'mrr', 'number', 2), (1, 'active', 'boolean', 3), (1, 'note', 'text', 4), (1, 'since', 'date', 5);
    INSERT INTO questions (id, study_id, key, type, text, position, created_at) VALUES (1, 1, 'why', 'open_ended', 'Why?', 1, 'x');
    INSERT INTO participants (id, study_id, external_id, attributes, created_at, updated_at) VALUES (1, 1, 'p1', '${JSON.stringify(attributes).replace(/'/g, "''")}', 'x', 'x');
    INSERT INTO interviews (participant_id, status, interviewed_at, transcript, created_at, updated_at) VALUES (1, 'completed', 'x', 'We left because onboarding was slow.', 'x', 'x');
    INSERT INTO answers (participant_id, question_id, value, answered_at) VALUES (1, 1, 'Pricing was unclear', 'x');`);
  if (version >= 2) {
    raw.exec(`INSERT INTO segmentations (id, study_id, method, k, parameters, summary, encoding, created_at) VALUES (1, 1, 'rules', 1, '{"mode":"first_match"}', '{}', '{"version":1,"features":[]}', 'x');
      INSERT INTO segments (segmentation_id, segment_id, name, definition, profile, updated_at) VALUES (1, 1, 'Everyone', '{"conditions":[]}', '{"profile":[],"distinguishing":[],"representatives":[],"quotes":[],"distinctive_words":[]}', 'x');
      INSERT INTO segment_members (segmentation_id, participant_id, segment_id) VALUES (1, 1, 1);`);
  }
  raw.close();
  return path;
}

const userVersion = (path: string) => {
  const raw = new Database(path, { readonly: true });
  const version = raw.pragma('user_version', { simple: true });
  raw.close();
  return version;
};

describe('migrations', () => {
  for (const version of [1, 2]) {
    it(`upgrades a schema-${version} file in place to ${latestSchemaVersion} and keeps its data`, async () => {
      const path = olderFile(version);
      expect(userVersion(path)).toBe(version);
      const store = openTestStore(path);
      expect(store.db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion);
      // Attributes written as JSON text are JSONB now, and read back unchanged.
      expect(store.db.prepare('SELECT typeof(attributes) AS t FROM participants').get()).toEqual({ t: 'blob' });
      expect((await store.participants.get(1, 'p1')).attributes).toEqual(attributes);
      expect(store.db.prepare(`SELECT json_extract(attributes, '$.mrr') AS v FROM participants`).get()).toEqual({ v: 49.5 });
      // The full-text index the old triggers filled still answers, and conditions on old attributes work.
      const found = await queryParticipants(store, { studyId: 1, text: 'onboarding', where: [{ field: 'attr.mrr', op: 'gt', value: 49 }], include: [], limit: 5 });
      expect(found.participants.map((p) => p.participant_id)).toEqual(['p1']);
      // Schema 7 indexed the old texts in windows: snippets come from them.
      expect(found.participants[0]!.snippets).toEqual([{ source: 'transcript', text: 'We left because **onboarding** was slow.' }]);
      // Segmentations exist from version 2 on: kept, or created empty.
      expect((await store.segmentations.list(1)).map((s) => s.id)).toEqual(version >= 2 ? [1] : []);
      await store.close();
      expect(userVersion(path)).toBe(latestSchemaVersion);
    });
  }

  it('a fresh file goes from 0 to the latest version, each migration once', () => {
    const path = join(tempDir(), 'seglab.db');
    openDatabase(path).close();
    const again = openDatabase(path); // nothing left to apply
    expect(again.pragma('user_version', { simple: true })).toBe(latestSchemaVersion);
    again.close();
  });

  it('refuses a file from a newer seglab and leaves it as it was', () => {
    const path = olderFile(2);
    const raw = new Database(path);
    raw.pragma(`user_version = ${latestSchemaVersion + 1}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(`This database was written by a newer seglab (schema ${latestSchemaVersion + 1}; this version knows up to ${latestSchemaVersion}). Upgrade seglab.`);
    const after = new Database(path, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(latestSchemaVersion + 1);
    expect(after.prepare('SELECT typeof(attributes) AS t FROM participants').get()).toEqual({ t: 'text' }); // not migrated
    after.close();
  });

  it('schema 7 indexes the texts of a schema-6 file in windows: a long transcript\'s snippet shows where the word is', async () => {
    const path = join(tempDir(), 'seglab.db');
    const raw = new Database(path);
    for (const m of migrations.filter((m) => m.version <= 6)) raw.exec(m.sql);
    raw.pragma('user_version = 6');
    const long = `${'Customer: we talked about the weather and the roads. '.repeat(400)}Customer: the escrow step was what broke it.`;
    raw.exec(`
      INSERT INTO studies (id, name, mode, probing_depth, created_at, updated_at) VALUES (1, 'Old', 'hybrid', 2, 'x', 'x');
      INSERT INTO participants (id, study_id, external_id, created_at, updated_at) VALUES (1, 1, 'p1', 'x', 'x'), (2, 1, 'p2', 'x', 'x');
      INSERT INTO interviews (participant_id, status, interviewed_at, transcript, notes, created_at, updated_at) VALUES (1, 'completed', 'x', '${long}', 'escrow again', 'x', 'x');
      INSERT INTO quotes (participant_id, text, created_at) VALUES (2, 'No escrow for us.', 'x');`);
    raw.close();
    const store = openTestStore(path);
    // 21,245 characters: 11 windows for the transcript; the notes and the quote are short enough to read whole.
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM said_chunks').get()).toEqual({ n: 11 });
    const found = await queryParticipants(store, { studyId: 1, text: 'escrow', where: [], include: [], limit: 5 });
    expect(found.participants.map((p) => [p.participant_id, p.snippets.map((s) => s.source)])).toEqual([['p1', ['transcript', 'notes']], ['p2', ['quote']]]);
    expect(found.participants[0]!.snippets[0]!.text).toMatch(/the \*\*escrow\*\* step was what broke it\.$/);
    // Later writes keep both indexes in step: a new transcript replaces the old windows.
    store.db.prepare('UPDATE interviews SET transcript = ? WHERE participant_id = 1').run('short now');
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM said_chunks').get()).toEqual({ n: 0 });
    await store.close();
  });
});
