/**
 * delete_participant (erasure) through the MCP client against a database file: afterwards the
 * person's e-mail, name, id and words are nowhere in the file or its write-ahead log, nor in the
 * reports folder; everyone else is intact.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';
import { tempDbPath } from '../helpers/processes.js';

// Distinctive enough that only this person's rows can hold them.
const PERSON = { id: 'zq-0042', email: 'zelda.quimby@frobozz.example', name: 'Zelda Quimbyhollow' };
const WORDS = ['flibbertigibbet', 'snorkelwhacker', 'Quuxinator'];

function bytesHave(path: string, needle: string): boolean {
  if (!existsSync(path)) return false;
  const data = readFileSync(path);
  return data.includes(Buffer.from(needle, 'utf8')) || data.includes(Buffer.from(needle.toLowerCase(), 'utf8'));
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

let h: Harness;
let dbPath: string;
let study_id: number;
let segmentation_id: number;

async function seed(): Promise<void> {
  ({ study_id } = await h.ok('create_study', { name: 'Erasure', decision: 'Which segment first' }));
  await h.ok('add_questions', {
    study_id,
    questions: [
      { key: 'why', type: 'open_ended', text: 'Why did you choose us?' },
      { key: 'nps', type: 'scale', text: 'Recommend us?', scale_min: 0, scale_max: 10 },
      { key: 'plan_fit', type: 'single_choice', text: 'Plan fit?', options: ['Good', 'Poor'] },
    ],
  });
  const rows = Array.from({ length: 16 }, (_, i) => `c${i},c${i}@acme.example,Person ${i},${i % 2 ? 'pro' : 'free'},${100 + i * 10},${i % 3 ? 'churned' : 'expanded'}`);
  rows.splice(5, 0, `${PERSON.id},${PERSON.email},${PERSON.name},pro,990,churned`);
  await h.ok('import_participants', { study_id, csv: `id,email,name,plan,mrr,tags\n${rows.join('\n')}\n` });
  for (let i = 0; i < 16; i++) {
    await h.ok('record_interview', {
      study_id,
      participant_id: `c${i}`,
      answers: [{ question: 'why', value: `Setup was quick and the price was fair (${i})` }, { question: 'nps', value: i % 2 ? 9 : 3 }, { question: 'plan_fit', value: i % 2 ? 'Good' : 'Poor' }],
      transcript: `Interviewer: why us? Person ${i}: mostly the integrations and the onboarding call.`,
      quotes: [{ text: `The onboarding call number ${i} helped a lot`, question: 'why', themes: ['onboarding'] }],
    });
  }
  await h.ok('record_interview', {
    study_id,
    participant_id: PERSON.id,
    answers: [{ question: 'why', value: `Honestly the ${WORDS[0]} dashboard won me over` }, { question: 'nps', value: 9 }, { question: 'plan_fit', value: 'Good' }],
    transcript: `Interviewer: tell me more. ${PERSON.name}: our ${WORDS[1]} workflow needed the ${WORDS[2]} export, and you can reach me at ${PERSON.email}.`,
    quotes: [{ text: `Without the ${WORDS[2]} export we would have left`, question: 'why', themes: ['exports'] }],
    themes: [{ code: 'exports', quote: `the ${WORDS[2]} export` }],
    notes: `Follow up with ${PERSON.name} about ${WORDS[1]}.`,
  });
  // Earlier versions of their transcript are rewritten away too.
  await h.ok('record_interview', { study_id, participant_id: PERSON.id, transcript: `Second take: ${WORDS[1]} ${WORDS[0]} and more ${WORDS[2]}.` });
  await h.ok('record_interview', { study_id, participant_id: PERSON.id, transcript: `Final take: ${WORDS[0]} matters, ${WORDS[1]} too, ${WORDS[2]} most.` });
  ({ segmentation_id } = await h.ok('cluster_participants', { study_id, k: 2, bootstraps: 4, restarts: 2 }));
  const { segments } = await h.ok('get_segmentation', { segmentation_id });
  await h.ok('update_segment', { segmentation_id, segment_id: segments[0].segment_id, name: 'Exporters', persona: `Like ${PERSON.name}, they live in exports` });
  await h.ok('export_segments', { segmentation_id, crm: 'hubspot' });
  await h.ok('generate_report', { study_id });
}

beforeAll(async () => {
  dbPath = tempDbPath();
  h = await connect({ dbPath });
  await seed();
}, 60_000);
afterAll(async () => h.close());

describe('delete_participant on a SQLite file (no bytes left in the file or its WAL)', () => {
  it('starts with the person everywhere: database, log and report', async () => {
    h.store.db.pragma('wal_checkpoint(PASSIVE)');
    const everywhere = [dbPath, `${dbPath}-wal`];
    expect(everywhere.some((p) => bytesHave(p, PERSON.email))).toBe(true);
    expect(everywhere.some((p) => bytesHave(p, WORDS[1]!))).toBe(true);
    expect(filesUnder(h.outputDir).some((f) => bytesHave(f, PERSON.id))).toBe(true);
  });

  it('refuses without confirm: true and changes nothing', async () => {
    const text = await h.fail('delete_participant', { study_id, participant_id: PERSON.id, confirm: false });
    expect(text).toMatch(/confirm/);
    expect((await h.ok('get_participant', { study_id, participant_id: PERSON.id })).email).toBe(PERSON.email);
  });

  it('removes every trace, leaves no bytes behind and keeps everyone else', async () => {
    const r = await h.ok('delete_participant', { study_id, participant_id: PERSON.id, confirm: true });
    expect(r).toMatchObject({ deleted: true, removed: { answers: 3, quotes: 1, theme_evidence: 2, memberships: 1, interview: true }, segmentations_redescribed: [segmentation_id], report_regenerated: true, wal_truncated: true });
    expect(r.exports_removed).toEqual([`segmentation-${segmentation_id}-hubspot.csv`]);
    expect(r.texts_rewritten).toBeGreaterThanOrEqual(1); // the persona that named them

    expect(await h.fail('get_participant', { study_id, participant_id: PERSON.id })).toMatch(/No participant "zq-0042"/);
    const found = await h.ok('query_participants', { study_id, text: WORDS.join(' OR ') });
    expect(found.total).toBe(0);
    expect((await h.ok('search', { query: `${WORDS[0]} ${PERSON.email}` })).results.filter((x: any) => /zq-0042|Zelda|Quux/i.test(x.title))).toEqual([]);

    const segmentation = await h.ok('get_segmentation', { segmentation_id, limit: 100 });
    expect(segmentation.segments.reduce((n: number, s: any) => n + s.size, 0)).toBe(16);
    expect(JSON.stringify(segmentation)).not.toMatch(/zq-0042|Zelda|Quimby|quux|snorkel|flibbert/i);
    expect((await h.ok('get_study', { study_id })).counts.participants).toBe(16);
    expect((await h.ok('get_participant', { study_id, participant_id: 'c3' })).quotes).toHaveLength(1);

    // The file and its log: nothing of them, as bytes.
    for (const path of [dbPath, `${dbPath}-wal`]) {
      for (const needle of [PERSON.email, PERSON.name, 'Quimby', PERSON.id, ...WORDS]) expect(bytesHave(path, needle), `${needle} in ${path}`).toBe(false);
    }
    // Truncated by the erasure; since then it holds only the audit entry of the erasure (checked above: no trace).
    expect(existsSync(`${dbPath}-wal`) ? readFileSync(`${dbPath}-wal`).length : 0).toBeLessThan(64 * 1024);
    // Reports folder: regenerated report without them, the export that listed them gone.
    const files = filesUnder(h.outputDir);
    expect(files.some((f) => f.endsWith('report.md'))).toBe(true);
    for (const file of files) for (const needle of [PERSON.email, PERSON.id, 'Quimby', ...WORDS]) expect(bytesHave(file, needle), `${needle} in ${file}`).toBe(false);

    expect(h.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(h.store.db.prepare("INSERT INTO said(said) VALUES('integrity-check')").run().changes).toBeGreaterThanOrEqual(0);
  });

  it('records the erasure in the audit log without naming the person', async () => {
    const entries = await h.store.audit.list({ studyId: study_id });
    const erasure = entries.find((e) => e.tool === 'delete_participant')!;
    expect(erasure).toMatchObject({ actor: 'local', actor_kind: 'local', role: 'owner', study_id });
    expect(JSON.parse(erasure.arguments)).toEqual({ study_id, participant_id: '[erased]', confirm: true });
    expect(JSON.stringify(entries)).not.toMatch(/zq-0042|Zelda|Quimby|quux|snorkel|flibbert/i);
    // Other people's writes are still described.
    expect(entries.some((e) => e.tool === 'record_interview' && JSON.parse(e.arguments).participant_id === 'c3')).toBe(true);
  });
});
