/**
 * Hostile input stays inert (issue 14), through the MCP client: files are never echoed, output
 * files never follow links, report text is escaped, CSV cells are formula-safe, control
 * characters never reach a renderer, any attribute name is queryable, and an import whose
 * data changes between its two passes fails cleanly.
 */
import { spawn } from 'node:child_process';
import { linkSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportsDirectory } from '../../src/config.js';
import { connect, type Harness } from '../helpers/harness.js';

const SECRETS = 'OPENAI_API_KEY=sk-test-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c\nSECRET_TOKEN=hunter2-very-secret\nDATABASE_URL=postgres://admin:pw@db/prod\n';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'seglab-hostile-'));
}

describe('import_participants never echoes a file that is not a CSV', () => {
  let h: Harness;
  let study_id: number;
  beforeAll(async () => {
    h = await connect();
    ({ study_id } = await h.ok('create_study', { name: 'Files' }));
  });
  afterAll(() => h.close());

  it('says an env file or /proc/self/environ is not a CSV, without its contents', async () => {
    const dir = scratch();
    writeFileSync(join(dir, '.env'), SECRETS);
    process.env.SEGLAB_TEST_SECRET = 'env-secret-value-1234';
    for (const path of [join(dir, '.env'), '/proc/self/environ']) {
      for (const extra of [{}, { id_column: 'nope' }, { tag_columns: ['nope'] }]) {
        const text = await h.fail('import_participants', { study_id, path, dry_run: true, ...extra });
        expect(text).toMatch(/does not look like a CSV/);
        for (const secret of ['sk-test', 'hunter2', 'postgres://', 'OPENAI_API_KEY', 'SECRET_TOKEN', 'env-secret-value', 'PATH=']) expect(text).not.toContain(secret);
      }
    }
    // Reached through a symlink (stdio reads any path the user names), the same.
    symlinkSync(join(dir, '.env'), join(dir, 'customers.csv'));
    const linked = await h.fail('import_participants', { study_id, path: join(dir, 'customers.csv') });
    expect(linked).toMatch(/does not look like a CSV/);
    expect(linked).not.toMatch(/hunter2|sk-test/);
    // The same text given inline is refused the same way.
    expect(await h.fail('import_participants', { study_id, csv: SECRETS })).not.toContain('hunter2');
  });

  it('still names the columns (capped) when the first line is a real header', async () => {
    const header = Array.from({ length: 30 }, (_, i) => `Column ${i + 1}`).join(',');
    const text = await h.fail('import_participants', { study_id, csv: `${header}\n${Array(30).fill('x').join(',')}\n` });
    expect(text).toMatch(/No id column found.*Columns: Column 1, Column 2,.*Column 20, … \(10 more\)\./);
    expect(text).not.toContain('Column 21');
  });

  it('refuses, over HTTP with --allow-dir, a symlink or a hard link inside the folder to an outside file', async () => {
    const root = scratch();
    const outside = scratch();
    const secret = join(outside, 'customers.csv');
    writeFileSync(secret, 'participant_id,email\nsecret-1,ceo@victim.example\n');
    symlinkSync(secret, join(root, 'soft.csv'));
    linkSync(secret, join(root, 'hard.csv'));
    writeFileSync(join(root, 'mine.csv'), 'participant_id,email\nm1,m1@x.example\n');
    const http = await connect({ files: { allowAnyPath: false, importRoot: root } });
    try {
      const { study_id: sid } = await http.ok('create_study', { name: 'HTTP' });
      const soft = await http.fail('import_participants', { study_id: sid, path: 'soft.csv', dry_run: true });
      expect(soft).toMatch(/outside the folder/);
      const hard = await http.fail('import_participants', { study_id: sid, path: 'hard.csv', dry_run: true });
      expect(hard).toMatch(/hard links/);
      for (const text of [soft, hard]) expect(text).not.toMatch(/secret-1|ceo@victim/);
      // A file of its own in the folder is read.
      expect((await http.ok('import_participants', { study_id: sid, path: 'mine.csv' })).inserted).toBe(1);
    } finally {
      await http.close();
    }
  });
});

/** A study with hostile text everywhere a user or participant can put it. */
async function seedHostileStudy(h: Harness): Promise<{ study_id: number; segmentation_id: number }> {
  const { study_id } = await h.ok('create_study', { name: 'Evil <script>alert(1)</script> study', decision: '![beacon](http://attacker.example/b.png) [click](javascript:alert(1))' });
  await h.ok('add_questions', {
    study_id,
    questions: [
      { key: 'plan_choice', type: 'single_choice', text: 'Which plan?\n| injected | row |\u0000', options: ['<img src=x onerror=alert(1)>', 'Plain\u0007'] },
      { key: 'score', type: 'scale', text: 'Score\u0000 [x](javascript:alert(2))', scale_min: 1, scale_max: 5 },
    ],
  });
  const csv = ['participant_id,email,name,pl\\an,tags', ...Array.from({ length: 12 }, (_, i) => `h${i},h${i}@x.example,"Name ${i}",${i % 2 ? 'pro' : 'free'},${i % 3 ? 'churned' : 'new'}`)].join('\n');
  await h.ok('import_participants', { study_id, csv });
  for (let i = 0; i < 12; i++) {
    await h.ok('record_interview', { study_id, participant_id: `h${i}`, answers: [{ question: 'plan_choice', value: i % 2 ? '<img src=x onerror=alert(1)>' : 'Plain\u0007' }, { question: 'score', value: (i % 5) + 1 }] });
  }
  const { segmentation_id } = await h.ok('segment_by_rules', {
    study_id,
    mode: 'overlapping',
    segments: [
      { name: 'Everyone', where: [] },
      { name: '=HYPERLINK("http://evil.example","x")', where: [{ field: 'participant_id', op: 'in', value: ['h1', 'h2'] }] },
      { name: '@SUM(1+1)\u0000<b>', where: [{ field: 'participant_id', op: 'eq', value: 'h3' }] },
    ],
  });
  return { study_id, segmentation_id };
}

describe('reports and exports of hostile text', () => {
  let h: Harness;
  let study_id: number;
  let segmentation_id: number;
  beforeAll(async () => {
    h = await connect();
    ({ study_id, segmentation_id } = await seedHostileStudy(h));
  });
  afterAll(() => h.close());

  it('escapes participant and question text in the Markdown file and in generate_report\'s text', async () => {
    const result: any = await h.call('generate_report', { study_id, segmentation_id });
    expect(result.isError).toBeFalsy();
    const file = readFileSync(result.structuredContent.files.markdown, 'utf8');
    for (const markdown of [file, result.content[0].text as string]) {
      expect(markdown).not.toMatch(/(^|[^\\])<(script|img|b>)/m);
      expect(markdown).not.toMatch(/(^|[^\\])(!\[beacon|\[click|\[x)/m);
      expect(markdown).toContain('\\<script\\>');
      expect(markdown).toContain('!\\[beacon\\](http://attacker.example/b.png)');
      // The newline in the question's text does not start a table row.
      expect(markdown).not.toMatch(/^\| injected/m);
      expect(markdown).toContain('Which plan? \\| injected \\| row \\|');
      expect(markdown).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
    }
    const html = readFileSync(result.structuredContent.files.html, 'utf8');
    expect(html).not.toMatch(/<script|<img|<b>|javascript:alert\(1\)"|[\u0000-\u0008]/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('draws PNG charts when a question\'s text holds a NUL', async () => {
    const result: any = await h.call('generate_report', { study_id, format: 'html', include_chart_images: true });
    expect(result.isError, result.content?.[0]?.text).toBeFalsy();
    const images = result.content.filter((c: any) => c.type === 'image');
    expect(images.length).toBeGreaterThan(0);
    expect(Buffer.from(images[0].data, 'base64').subarray(1, 4).toString()).toBe('PNG');
  });

  it('neutralises every element of a ;-joined segment list in a CSV export', async () => {
    const out = await h.ok('export_segments', { segmentation_id, crm: 'generic' });
    const rows = out.csv.trim().split('\r\n').slice(1);
    const h1 = rows.find((r: string) => r.startsWith('h1,'));
    expect(h1).toContain(`"Everyone;'=HYPERLINK(""http://evil.example"",""x"")"`);
    const h3 = rows.find((r: string) => r.startsWith('h3,'));
    expect(h3).toContain(`"Everyone;'@SUM(1+1)<b>"`);
    expect(out.csv).not.toMatch(/(^|[;,"])[=+@-]/m);
    expect(out.csv).not.toMatch(/[\u0000-\u0008]/);
    expect(readFileSync(out.path, 'utf8')).toBe(out.csv);
  });

  it('queries and shows an attribute whose name holds a backslash', async () => {
    const found = await h.ok('query_participants', { study_id, where: [{ field: 'attr.pl\\an', op: 'eq', value: 'pro' }] });
    expect(found.total).toBe(6);
    const table = await h.ok('crosstab', { study_id, rows: 'attr.pl\\an', columns: 'tag' });
    expect(JSON.stringify(table)).toMatch(/pro/);
    const summary = await h.ok('summarize_questions', { study_id, by: 'attr.pl\\an' });
    expect(JSON.stringify(summary)).toMatch(/free/);
  });
});

describe('output files never follow links', () => {
  it('replaces a planted report link, refuses a planted folder link, and writes 0600 files in 0700 folders', async () => {
    const outputDir = scratch();
    const victim = join(scratch(), 'victim.txt');
    writeFileSync(victim, 'precious');
    const attacker = scratch();
    const h = await connect({ files: { outputDir } });
    try {
      const { study_id: one } = await h.ok('create_study', { name: 'One' });
      const { study_id: two } = await h.ok('create_study', { name: 'Two' });
      mkdirSync(join(outputDir, `study-${one}`), { mode: 0o755 });
      symlinkSync(victim, join(outputDir, `study-${one}`, 'report.md'));
      symlinkSync(attacker, join(outputDir, `study-${two}`));

      const r = await h.ok('generate_report', { study_id: one });
      expect(readFileSync(victim, 'utf8')).toBe('precious');
      expect(lstatSync(r.files.markdown).isSymbolicLink()).toBe(false);
      for (const f of ['markdown', 'html', 'json']) expect(statSync(r.files[f]).mode & 0o777).toBe(0o600);
      expect(statSync(join(outputDir, `study-${one}`)).mode & 0o777).toBe(0o700);
      expect(readdirSync(join(outputDir, `study-${one}`)).sort()).toEqual(['report.html', 'report.json', 'report.md']);

      const refused = await h.fail('generate_report', { study_id: two });
      expect(refused).toMatch(/is a link.*Remove it/);
      expect(refused).not.toContain(attacker);
      expect(readdirSync(attacker)).toEqual([]);

      // Reading a report back (the resource) does not follow a planted link either.
      const { study_id: three } = await h.ok('create_study', { name: 'Three' });
      mkdirSync(join(outputDir, `study-${three}`));
      symlinkSync(victim, join(outputDir, `study-${three}`, 'report.md'));
      const read = await h.client.readResource({ uri: `seglab://studies/${three}/report.md` }).then(
        (x) => JSON.stringify(x),
        (e: Error) => e.message,
      );
      expect(read).not.toContain('precious');

      // Exports go through the same checks.
      await h.ok('import_participants', { study_id: two, csv: 'participant_id,email\na,a@x.example\n' });
      const { segmentation_id } = await h.ok('segment_by_rules', { study_id: two, segments: [{ name: 'All', where: [] }] });
      expect(await h.fail('export_segments', { segmentation_id })).toMatch(/is a link/);
      expect(readdirSync(attacker)).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('gives a database that keeps nothing (:memory:) a fresh private reports folder', () => {
    const env = {} as NodeJS.ProcessEnv;
    const first = reportsDirectory(':memory:', '3f2a9c1e0b7d', undefined, env);
    const second = reportsDirectory(':memory:', '3f2a9c1e0b7d', undefined, env);
    expect(first).not.toBe(second);
    for (const dir of [first, second]) {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(dir).uid).toBe(process.getuid!());
    }
  });
});

describe('an import whose data changes between its two passes', () => {
  it('is a clear error when another process adds the same id before the write, and writes nothing', async () => {
    const dbPath = join(scratch(), 'race.db');
    const h = await connect({ dbPath });
    try {
      const { study_id } = await h.ok('create_study', { name: 'Race' });
      // Another process holds the write lock while pass 1 runs, then commits the same id.
      const other = spawn(process.execPath, [
        '-e',
        `const Database = require('better-sqlite3');
         const db = new Database(${JSON.stringify(dbPath)});
         db.pragma('busy_timeout = 5000');
         db.prepare('BEGIN IMMEDIATE').run();
         db.prepare("INSERT INTO participants (study_id, external_id, attributes, created_at, updated_at) VALUES (?, 'dup', jsonb('{}'), 'now', 'now')").run(${study_id});
         process.stdout.write('locked\\n');
         setTimeout(() => { db.prepare('COMMIT').run(); db.close(); }, 800);`,
      ], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => other.stdout!.once('data', () => resolve()));
      const text = await h.fail('import_participants', { study_id, csv: 'participant_id,email\nfirst,f@x.example\ndup,d@x.example\n' });
      expect(text).toMatch(/participant "dup" appeared twice or changed between checking the file and writing it/);
      expect(text).not.toMatch(/SQLITE|constraint|internal/i);
      await new Promise((resolve) => other.once('exit', resolve));
      const rows = await h.ok('query_participants', { study_id });
      expect(rows.total).toBe(1); // only the other process's row: the import wrote nothing
    } finally {
      await h.close();
    }
  });
});
