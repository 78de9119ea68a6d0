/** delete_study through the MCP client against a database file: the study, its people and files go; others stay. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';
import { tempDbPath } from '../helpers/processes.js';

let h: Harness;
let dbPath: string;
beforeAll(async () => {
  dbPath = tempDbPath();
  h = await connect({ dbPath });
});
afterAll(async () => h.close());

const bytesHave = (path: string, needle: string) => existsSync(path) && readFileSync(path).includes(Buffer.from(needle, 'utf8'));

describe('delete_study on a SQLite file (no bytes left in the file or its WAL)', () => {
  it('refuses without confirm: true', async () => {
    const { study_id } = await h.ok('create_study', { name: 'Kept' });
    expect(await h.fail('delete_study', { study_id })).toMatch(/confirm/);
    expect(await h.fail('delete_study', { study_id: 999, confirm: true })).toMatch(/No study with id 999/);
    expect((await h.ok('get_study', { study_id })).study.name).toBe('Kept');
  });

  it('deletes a study with its people, files and audit arguments; tokens lose it; others stay', async () => {
    const { study_id } = await h.ok('create_study', { name: 'Retired' });
    await h.ok('add_questions', { study_id, questions: [{ key: 'why', type: 'open_ended', text: 'Why?' }, { key: 'nps', type: 'scale', text: 'NPS', scale_min: 0, scale_max: 10 }] });
    await h.ok('import_participants', { study_id, csv: `id,email,mrr\n${Array.from({ length: 12 }, (_, i) => `r${i},r${i}@retired.example,${i * 10}`).join('\n')}\n` });
    for (let i = 0; i < 12; i++) {
      await h.ok('record_interview', { study_id, participant_id: `r${i}`, answers: [{ question: 'why', value: `The retired onboarding number ${i}` }, { question: 'nps', value: i % 11 }], quotes: [{ text: `Quote of retiree ${i} about onboarding` }] });
    }
    await h.ok('cluster_participants', { study_id, k: 2, bootstraps: 3, restarts: 2 });
    await h.ok('generate_report', { study_id });
    const other = await h.ok('create_study', { name: 'Keeps going' });
    await h.ok('import_participants', { study_id: other.study_id, csv: 'id,email\nk1,k1@keep.example\n' });
    const limited = await h.store.tokens.create('study-only', 'viewer', [study_id, other.study_id]);

    const r = await h.ok('delete_study', { study_id, confirm: true });
    expect(r).toMatchObject({ study_id, deleted: true, participants_removed: 12, wal_truncated: true });
    expect(r.files_removed).toBeGreaterThanOrEqual(3);
    expect(existsSync(join(h.outputDir, `study-${study_id}`))).toBe(false);
    expect(await h.fail('get_study', { study_id })).toMatch(/No study with id/);
    for (const needle of ['r3@retired.example', 'retired onboarding number 3', 'Quote of retiree 3']) {
      for (const path of [dbPath, `${dbPath}-wal`]) expect(bytesHave(path, needle), `${needle} in ${path}`).toBe(false);
    }
    // A token limited to the deleted study keeps only its other studies (SQLite may give the id to a new study).
    expect((await h.store.tokens.get(limited.token.id)).studies).toEqual([other.study_id]);
    expect((await h.ok('get_participant', { study_id: other.study_id, participant_id: 'k1' })).email).toBe('k1@keep.example');
    const audit = await h.store.audit.list({ studyId: study_id });
    expect(audit.length).toBeGreaterThan(12);
    expect(audit.filter((e) => e.tool !== 'delete_study').every((e) => e.arguments === '{"erased":"study deleted"}')).toBe(true);
    expect(audit.at(-1)).toMatchObject({ tool: 'delete_study', actor: 'local', role: 'owner' });
    expect(h.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
