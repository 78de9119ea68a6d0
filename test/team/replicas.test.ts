/**
 * Two `seglab serve --http` replicas on one PostgreSQL database and one shared reports folder, started
 * as deploy/compose.yaml starts them (SEGLAB_DB, SEGLAB_REPORTS, --host 0.0.0.0 --auth tokens
 * --allowed-host), driven through the SDK's Streamable HTTP client by concurrent writers on both:
 * imports of overlapping files, interviews creating participants and coding shared themes in opposite
 * orders, clustering from both at once. Nothing may be lost, nothing may fail, nothing may deadlock;
 * a write through one is read through the other at once. 2025-era sessions belong to the replica that
 * opened them (the other answers 404 "session not found"); 2026-07-28 requests go to either.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestSchemaVersion } from '../../src/store/migrations.js';
import { tinyQuestions } from '../helpers/fixtures.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { cliPath, startHttpProcess } from '../helpers/processes.js';

const run = promisify(execFile);
type Replica = Awaited<ReturnType<typeof startHttpProcess>>;

let postgres: PostgresServer;
let reports: string;
let env: Record<string, string>;
const replicas: Replica[] = [];
let secret: string;
const clients: Client[] = [];

/** The command and environment deploy/compose.yaml gives each replica (the port aside: 0 here). */
const REPLICA_FLAGS = ['--host', '0.0.0.0', '--auth', 'tokens', '--allowed-host', 'seglab.example.com'];

async function signIn(url: string, options: { modern?: boolean } = {}): Promise<Client> {
  const client = new Client({ name: 'replica-test', version: '1.0.0' }, options.modern ? { versionNegotiation: { mode: 'auto' } } : {});
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: { token: async () => secret } }));
  clients.push(client);
  return client;
}

/** Calls a tool and returns its structured result; an error result fails the test with its text. */
async function ok(client: Client, name: string, args: Record<string, unknown>): Promise<any> {
  const result: any = await client.callTool({ name, arguments: args });
  if (result.isError) {
    // An internal error names a ref that the replica's log explains: show it with the failure.
    const ref = /\(ref (\w+)\)/.exec(result.content?.[0]?.text ?? '')?.[1];
    const logged = ref ? replicas.flatMap((r) => r.stderr().split('\n').filter((line) => line.includes(ref))) : [];
    throw new Error(`${name} failed: ${result.content?.[0]?.text}${logged.length ? `\n${logged.join('\n')}` : ''}`);
  }
  return result.structuredContent;
}

const localUrl = (replica: Replica) => replica.url.replace('//0.0.0.0:', '//127.0.0.1:');

function crmCsv(ids: string[]): string {
  const plans = ['free', 'pro', 'team'];
  const lines = ids.map((id, i) => `${id},${id}@acme.example,Person ${id},${plans[i % 3]},${(i * 37) % 500},2026-0${(i % 9) + 1}-1${i % 10},customer`);
  return `participant_id,email,name,plan,mrr,signup_date,tags\n${lines.join('\n')}\n`;
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const answers = (o: Record<string, unknown>) => Object.entries(o).map(([question, value]) => ({ question, value }));

/** A completed interview for `id`, created on the fly, coding the themes in the order given. */
function interview(studyId: number, id: string, i: number, themes: string[]) {
  return {
    study_id: studyId,
    participant_id: id,
    status: 'completed',
    participant: { email: `${id}@walkin.example`, name: `Walk-in ${id}`, attributes: { plan: 'pro', seats: i % 7 }, tags: ['walk-in'] },
    answers: answers({ why: `Reason ${i}: onboarding and price`, importance: (i % 5) + 1, nps: i % 11, team: i % 2 === 0, use_case: ['Alpha', 'Beta', 'Gamma'][i % 3] }),
    transcript: [{ speaker: 'Interviewer', text: 'What made you buy?' }, { speaker: id, text: `The onboarding call, and the price ${i}.` }],
    quotes: [{ text: `The onboarding call, and the price ${i}.`, question: 'why', themes }],
    themes: themes.map((code) => ({ code, quote: 'onboarding' })),
  };
}

/** A request for the MCP endpoint with a session id and a token, as a client sends it. */
function rawPost(url: string, headers: Record<string, string>, body: unknown) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${secret}`, 'mcp-protocol-version': '2025-06-18', ...headers },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  postgres = await startPostgres();
  reports = mkdtempSync(join(tmpdir(), 'seglab-replica-reports-'));
  env = { SEGLAB_DB: postgres.createDatabase('seglab'), SEGLAB_REPORTS: reports };
  // Both replicas start at once on an empty database: one migrates, the other waits for it.
  replicas.push(...(await Promise.all([startHttpProcess(REPLICA_FLAGS, env), startHttpProcess(REPLICA_FLAGS, env)])));
  const out = (await run(process.execPath, [cliPath, 'token', 'create', '--name', 'team', '--role', 'owner'], { env: { ...process.env, ...env } })).stdout;
  secret = out.trimEnd().split('\n').pop()!;
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await Promise.all(replicas.map((r) => r.stop()));
  postgres?.stop();
  if (reports) rmSync(reports, { recursive: true, force: true });
});

describe('two replicas on one PostgreSQL database', () => {
  it('start together on an empty database, migrating it once', async () => {
    const db = new pg.Client({ connectionString: env.SEGLAB_DB });
    await db.connect();
    try {
      expect((await db.query('SELECT version FROM seglab_schema')).rows).toEqual([{ version: latestSchemaVersion }]);
      expect((await db.query('SELECT count(*)::int AS n FROM database_info')).rows).toEqual([{ n: 1 }]);
    } finally {
      await db.end();
    }
    for (const replica of replicas) {
      expect(replica.stderr()).toMatch(/database postgres:\/\/seglab@127\.0\.0\.1:\d+\/seglab/);
      expect(replica.stderr()).not.toMatch(/error|failed/i);
      const health = await (await fetch(localUrl(replica).replace('/mcp', '/healthz'))).json();
      expect(health).toMatchObject({ status: 'ok', auth: 'tokens' });
    }
  });

  it('serve concurrent writers on both without losing a write, an error or a deadlock', async () => {
    const [a, b] = await Promise.all(replicas.map((r) => signIn(localUrl(r))));
    const { study_id } = await ok(a!, 'create_study', { name: 'Replicated study', decision: 'Which segment to target first' });
    // A write through one replica is read through the other at once.
    expect(await ok(b!, 'get_study', { study_id })).toMatchObject({ study: { name: 'Replicated study' } });
    await ok(b!, 'add_questions', { study_id, questions: tinyQuestions });
    expect((await ok(a!, 'get_study', { study_id })).questions.map((q: any) => q.key)).toEqual(tinyQuestions.map((q) => q.key));

    // Imports of overlapping files through both, while both record interviews that create participants
    // and code the same themes in opposite orders (the order two writers would deadlock in).
    const shared = range('c', 150);
    const themes = ['onboarding', 'pricing', 'support', 'integrations'];
    const writes = await Promise.all([
      ok(a!, 'import_participants', { study_id, csv: crmCsv([...range('a', 400), ...shared]) }),
      ok(b!, 'import_participants', { study_id, csv: crmCsv([...shared, ...range('b', 400)]) }),
      ...range('wa', 20).map((id, i) => ok(a!, 'record_interview', interview(study_id, id, i, themes))),
      ...range('wb', 20).map((id, i) => ok(b!, 'record_interview', interview(study_id, id, i + 20, [...themes].reverse()))),
      // The same new participant from both replicas at once: created once, interviewed twice.
      ok(a!, 'record_interview', interview(study_id, 'both', 0, themes)),
      ok(b!, 'record_interview', interview(study_id, 'both', 0, [...themes].reverse())),
    ]);
    const [importA, importB] = writes;
    // Whichever import ran second found the shared 150 already there and updated them.
    expect(importA.inserted + importB.inserted).toBe(950);
    expect(importA.updated + importB.updated).toBe(150);
    expect(writes.slice(2).filter((w) => w.participant_created)).toHaveLength(41);

    for (const client of [a!, b!]) {
      const study = await ok(client, 'get_study', { study_id });
      expect(study.counts).toEqual({ participants: 991, interviews_completed: 41, interviews_partial: 0, not_interviewed: 950 });
      expect(Object.fromEntries(study.themes.map((t: any) => [t.code, t.participants]))).toEqual(Object.fromEntries(themes.map((t) => [t, 41])));
      const found = await ok(client, 'query_participants', { study_id, text: 'onboarding', limit: 1 });
      expect(found.total).toBe(41);
      const walkIns = await ok(client, 'query_participants', { study_id, where: [{ field: 'tag', op: 'eq', value: 'walk-in' }], limit: 1 });
      expect(walkIns.total).toBe(41);
    }
    const both = await ok(b!, 'get_participant', { study_id, participant_id: 'both' });
    expect(both.quotes).toHaveLength(1);
    expect(both.themes.map((t: any) => t.code).sort()).toEqual([...themes].sort());

    // Clustering from both at once with the same arguments, while interviews go on (partial ones,
    // outside the population clustered): the same members from either, each segmentation whole.
    const args = { study_id, k: 2, features: ['answer.importance', 'answer.nps', 'answer.use_case'] };
    const [left, right] = await Promise.all([
      ok(a!, 'cluster_participants', args),
      ok(b!, 'cluster_participants', args),
      ...range('a', 10).map((id, i) => ok(b!, 'record_interview', { study_id, participant_id: id, status: 'partial', answers: answers({ importance: (i % 5) + 1 }) })),
      ...range('b', 10).map((id, i) => ok(a!, 'record_interview', { study_id, participant_id: id, status: 'partial', answers: answers({ nps: i }) })),
    ]);
    expect(left.segmentation_id).not.toBe(right.segmentation_id);
    expect(left.participants_clustered).toBe(41);
    expect(right.participants_clustered).toBe(41);
    const members = async (client: Client, segmentation_id: number) => {
      const r = await ok(client, 'get_segmentation', { segmentation_id, limit: 100 });
      expect(r.members.total).toBe(41);
      return new Map(r.members.participants.map((m: any) => [m.participant_id, m.segment_id]));
    };
    // Each segmentation read through the replica that did not make it.
    expect(await members(b!, left.segmentation_id)).toEqual(await members(a!, right.segmentation_id));
    expect((await ok(a!, 'get_study', { study_id })).counts).toMatchObject({ participants: 991, interviews_completed: 41, interviews_partial: 20 });
  }, 240_000);

  it('create new themes from both replicas in opposite orders without a deadlock', async () => {
    const [a, b] = await Promise.all(replicas.map((r) => signIn(localUrl(r))));
    const { study_id } = await ok(a!, 'create_study', { name: 'Theme race' });
    await ok(a!, 'add_questions', { study_id, questions: tinyQuestions });
    // Each pair of interviews creates three themes nobody has coded yet, one replica in each order.
    const pairs = range('pair', 16);
    await Promise.all(
      pairs.flatMap((pair, i) => {
        const codes = [`${pair}_first`, `${pair}_second`, `${pair}_third`];
        return [ok(a!, 'record_interview', interview(study_id, `${pair}a`, i, codes)), ok(b!, 'record_interview', interview(study_id, `${pair}b`, i, [...codes].reverse()))];
      }),
    );
    // code_themes likewise: each pair of calls codes two new themes, one replica in each order.
    await Promise.all(
      pairs.slice(0, 8).flatMap((pair) => {
        const codes = [`${pair}_fourth`, `${pair}_fifth`];
        const coded = (participant: string, order: string[]) => order.map((theme) => ({ participant_id: participant, theme }));
        return [ok(a!, 'code_themes', { study_id, codes: coded(`${pair}a`, codes) }), ok(b!, 'code_themes', { study_id, codes: coded(`${pair}b`, [...codes].reverse()) })];
      }),
    );
    const study = await ok(b!, 'get_study', { study_id });
    expect(study.counts).toMatchObject({ participants: 32, interviews_completed: 32 });
    expect(study.themes_total).toBe(48 + 16);
    expect(study.themes.every((t: any) => t.participants === 2)).toBe(true);
  }, 120_000);

  it('write reports to the shared folder: one replica writes, the other serves it', async () => {
    const [a, b] = await Promise.all(replicas.map((r) => signIn(localUrl(r))));
    const { study_id } = (await ok(a!, 'list_studies', {})).studies.find((s: any) => s.name === 'Replicated study');
    const report = await ok(a!, 'generate_report', { study_id, format: 'markdown' });
    expect(report.files.markdown.startsWith(reports)).toBe(true);
    const read = (await b!.readResource({ uri: report.resources.markdown })).contents[0] as { text: string };
    expect(read.text).toBe(readFileSync(report.files.markdown, 'utf8'));
    expect(read.text).toContain('Replicated study');
  }, 120_000);

  it('keep a 2025-era session on the replica that opened it: the other answers 404 "session not found"', async () => {
    const opened = await rawPost(localUrl(replicas[0]!), {}, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    expect(opened.status).toBe(200);
    const sessionId = opened.headers.get('mcp-session-id')!;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    await opened.body?.cancel();
    const headers = { 'mcp-session-id': sessionId };
    const initialized = await rawPost(localUrl(replicas[0]!), headers, { jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(initialized.status).toBe(202);
    // The other replica never saw this session: the protocol's 404, which tells a client to initialise again.
    const elsewhere = await rawPost(localUrl(replicas[1]!), headers, { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toEqual({ jsonrpc: '2.0', error: { code: -32001, message: expect.stringMatching(/^Session not found/) }, id: null });
    // The replica that opened it still serves it.
    const home = await rawPost(localUrl(replicas[0]!), headers, { jsonrpc: '2.0', id: 3, method: 'tools/list' });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('record_interview');
  });

  it('send 2026-07-28 requests to either replica: a client behind a round-robin balancer works', async () => {
    // Every request to the next replica, as a balancer without stickiness does.
    let next = 0;
    const balancer: Server = createServer((req, res) => {
      const target = new URL(localUrl(replicas[next++ % replicas.length]!));
      const forwarded = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forwarded.on('error', () => res.writeHead(502).end());
      req.pipe(forwarded);
    });
    await new Promise<void>((resolve) => balancer.listen(0, '127.0.0.1', resolve));
    try {
      const client = await signIn(`http://127.0.0.1:${(balancer.address() as AddressInfo).port}/mcp`, { modern: true });
      const { study_id } = await ok(client, 'create_study', { name: 'Stateless study' });
      for (let i = 0; i < 4; i++) expect(await ok(client, 'get_study', { study_id })).toMatchObject({ study: { name: 'Stateless study' } });
      expect(next).toBeGreaterThanOrEqual(5);
    } finally {
      await new Promise((resolve) => balancer.close(resolve));
    }
  });
});
