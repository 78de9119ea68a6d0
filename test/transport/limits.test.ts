/**
 * HTTP limits against a real server process: session cap and idle expiry, bodies refused before
 * they are buffered, absurd JSON nesting, /healthz for foreign hosts, and a graceful drain on SIGTERM.
 */
import { request } from 'node:http';
import Database from 'better-sqlite3';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpProcess, tempDbPath } from '../helpers/processes.js';

type Server = Awaited<ReturnType<typeof startHttpProcess>>;

async function connect(url: string) {
  const transport = new StreamableHTTPClientTransport(new URL(url));
  const client = new Client({ name: 'limits-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

/** Sends headers and the first part of a body, and resolves with the status as soon as it comes (before the rest is sent). */
function partialPost(url: string, headers: Record<string, string>, first: Buffer): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
        req.destroy();
      });
    });
    req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
    req.write(first);
  });
}

function rawPost(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body }).then(async (r) => ({ status: r.status, body: await r.text() }));
}

const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });

describe('limits', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startHttpProcess(['--db', tempDbPath(), '--max-sessions', '2', '--session-idle-minutes', '0.02', '--max-body-mb', '1']);
  });
  afterAll(async () => server.stop());

  it('caps open sessions (503 past the cap) and closes idle ones', async () => {
    const a = await connect(server.url);
    const b = await connect(server.url);
    const third = await rawPost(server.url, init);
    expect(third.status).toBe(503);
    expect(third.body).toMatch(/2 sessions open, its limit/);
    // Idle expiry (1.2 s here): both close, and their ids are then unknown.
    await new Promise((r) => setTimeout(r, 2600));
    const health = (await (await fetch(server.url.replace(/\/mcp$/, '/healthz'))).json()) as { sessions: number };
    expect(health.sessions).toBe(0);
    await expect(a.client.listTools()).rejects.toThrow();
    await a.client.close().catch(() => undefined);
    await b.client.close().catch(() => undefined);
    expect((await rawPost(server.url, init)).status).toBe(200);
  });

  it('refuses an oversized body from its Content-Length, before reading it', async () => {
    const r = await partialPost(server.url, { 'content-length': String(60 * 1024 * 1024) }, Buffer.alloc(1024, 0x20));
    expect(r.status).toBe(413);
    expect(r.body).toMatch(/over the 1 MiB limit/);
  });

  it('refuses a streamed body once it passes the limit', async () => {
    const chunk = `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"${'a'.repeat(2 * 1024 * 1024)}"}}`;
    const r = await rawPost(server.url, chunk, {});
    expect(r.status).toBe(413);
  });

  it('answers 400 to absurdly nested JSON (was 500)', async () => {
    const deep = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_studies","arguments":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    const r = await rawPost(server.url, deep);
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/nests deeper than 64 levels/);
    // Brackets inside strings are text, not nesting.
    const ok = await rawPost(server.url, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: '['.repeat(500), version: '1' } } }));
    expect(ok.status).toBe(200);
  });

  it('tells a foreign Host only that it is alive', async () => {
    const u = new URL(server.url);
    const get = (host: string) =>
      new Promise<string>((resolve, reject) => {
        request({ host: u.hostname, port: u.port, path: '/healthz', headers: { host } }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve(body));
        }).on('error', reject).end();
      });
    expect(JSON.parse(await get('evil.example'))).toEqual({ status: 'ok' });
    expect(JSON.parse(await get(u.host))).toMatchObject({ status: 'ok', name: 'seglab', version: expect.any(String), sessions: expect.any(Number), auth: 'none' });
  });
});

describe('authentication comes before the body', () => {
  it('answers 401 to a large body without a token, without reading it', async () => {
    const server = await startHttpProcess(['--db', tempDbPath(), '--auth', 'tokens']);
    try {
      const r = await partialPost(server.url, { 'content-length': String(50 * 1024 * 1024) }, Buffer.alloc(1024, 0x20));
      expect(r.status).toBe(401);
    } finally {
      await server.stop();
    }
  });
});

describe('graceful drain on SIGTERM', () => {
  const csv = `id,a,b,c\n${Array.from({ length: 3000 }, (_, i) => `c${i},${(i * 7919) % 1000},${(i * 104729) % 500},${i % 3}`).join('\n')}\n`;

  async function busyServer(args: string[]) {
    const dbPath = tempDbPath();
    const server = await startHttpProcess(['--db', dbPath, ...args]);
    const { client } = await connect(server.url);
    const { structuredContent } = (await client.callTool({ name: 'create_study', arguments: { name: 'Drain' } })) as any;
    await client.callTool({ name: 'import_participants', arguments: { study_id: structuredContent.study_id, csv } });
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const call = client.callTool({ name: 'cluster_participants', arguments: { study_id: structuredContent.study_id, k: 4, bootstraps: 200 } }, { onprogress: () => started() });
    await running;
    return { server, client, call, dbPath, study_id: structuredContent.study_id as number };
  }

  it('lets a call in flight finish, refuses new work, then exits 0', async () => {
    const { server, client, call, dbPath, study_id } = await busyServer([]);
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    const during = await rawPost(server.url, init).catch(() => ({ status: 0, body: 'connection refused' }));
    expect([0, 503]).toContain(during.status);
    const result: any = await call;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent.segments).toHaveLength(4);
    expect(await exited).toBe(0);
    await client.close().catch(() => undefined);
    const db = new Database(dbPath, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM segmentations WHERE study_id = ?').pluck().get(study_id)).toBe(1);
    db.close();
  }, 30_000);

  it('cancels a call that outlasts the deadline cleanly: nothing half-written, exit 0', async () => {
    const { server, client, call, dbPath, study_id } = await busyServer(['--drain-seconds', '0.3']);
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    const at = Date.now();
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - at).toBeLessThan(2500);
    // The stream it was answering on is gone: the client gives the call up when it closes (or times out).
    await client.close().catch(() => undefined);
    await expect(call).rejects.toThrow();
    const db = new Database(dbPath);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT COUNT(*) FROM segmentations WHERE study_id = ?').pluck().get(study_id)).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM participants').pluck().get()).toBe(3000);
    db.close();
  }, 30_000);
});
