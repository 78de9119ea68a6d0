/**
 * seglab serve --http --auth tokens, driven through the SDK client over real HTTP: each role's
 * tools, refusals, study limits, sessions bound to their sign-in, revocation from another process
 * taking effect within a second, the audit log, and the refusal to expose a server without auth.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tools as catalog } from '../../src/tools/index.js';
import { cliPath, startHttpProcess, tempDbPath } from '../helpers/processes.js';

const run = promisify(execFile);
const seglab = async (...args: string[]) => (await run(process.execPath, [cliPath, ...args])).stdout;

let dbPath: string;
let server: Awaited<ReturnType<typeof startHttpProcess>>;
const secrets: Record<string, string> = {};

async function createToken(name: string, role: string, ...extra: string[]): Promise<string> {
  const out = await seglab('token', 'create', '--name', name, '--role', role, '--db', dbPath, ...extra);
  const lines = out.trimEnd().split('\n');
  expect(lines[lines.length - 1]).toMatch(/^seglab_[A-Za-z0-9_-]{43}$/);
  return lines[lines.length - 1]!;
}

async function signIn(secret: string | undefined, options: { modern?: boolean } = {}) {
  const transport = new StreamableHTTPClientTransport(new URL(server.url), secret ? { authProvider: { token: async () => secret } } : {});
  const client = new Client({ name: 'team-test', version: '1.0.0' }, options.modern ? { versionNegotiation: { mode: 'auto' } } : {});
  await client.connect(transport);
  return { client, transport };
}

const readOnlyTools = catalog.filter((t) => t.annotations.readOnlyHint).map((t) => t.name);
const ownerOnly = ['delete_participant', 'delete_study', 'manage_tokens'];

beforeAll(async () => {
  dbPath = tempDbPath();
  secrets.vera = await createToken('vera', 'viewer');
  secrets.eddie = await createToken('eddie', 'editor');
  secrets.olga = await createToken('olga', 'owner');
  server = await startHttpProcess(['--db', dbPath, '--auth', 'tokens']);
}, 30_000);
afterAll(async () => server?.stop());

describe('seglab token', () => {
  it('stores only a hash, lists tokens and refuses duplicate names and bad roles', async () => {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(dbPath, { readonly: true });
    const stored = db.prepare('SELECT token_hash FROM api_tokens').pluck().all() as string[];
    db.close();
    expect(stored).toHaveLength(3);
    for (const secret of Object.values(secrets)) expect(stored.join()).not.toContain(secret.slice(7));
    const list = await seglab('token', 'list', '--db', dbPath);
    expect(list).toMatch(/^eddie\teditor\tall studies/m);
    expect(list).not.toContain('seglab_');
    await expect(seglab('token', 'create', '--name', 'vera', '--role', 'viewer', '--db', dbPath)).rejects.toThrow(/already exists/);
    await expect(seglab('token', 'create', '--name', 'x', '--role', 'admin', '--db', dbPath)).rejects.toThrow(/role: one of viewer, editor, owner \(got "admin"\)/);
  });
});

describe('serve --http --auth tokens', () => {
  it('answers 401 with a Bearer challenge without a token or with a wrong one', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const none = await fetch(server.url, { method: 'POST', headers, body });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await fetch(server.url, { method: 'POST', headers: { ...headers, authorization: 'Bearer seglab_not-a-real-token-at-all-0000000000000000' }, body });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toMatch(/sqlite|select|stack/i);
    await expect(signIn(undefined)).rejects.toThrow();
  });

  it('viewer: only read-only tools are listed, and writing is refused', async () => {
    const { client, transport } = await signIn(secrets.vera);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names.sort()).toEqual([...readOnlyTools].sort());
    expect(names).toContain('search');
    await expect(client.callTool({ name: 'create_study', arguments: { name: 'Nope' } })).rejects.toThrow(/create_study/);
    const list: any = await client.callTool({ name: 'list_studies', arguments: {} });
    expect(list.isError).toBeFalsy();
    await transport.terminateSession();
    await client.close();
  });

  it('editor: every research tool, no deletion; writes are audited under the token name', async () => {
    const { client, transport } = await signIn(secrets.eddie);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names.sort()).toEqual(catalog.map((t) => t.name).filter((n) => !ownerOnly.includes(n)).sort());
    const created: any = await client.callTool({ name: 'create_study', arguments: { name: 'Team study' } });
    const study_id = created.structuredContent.study_id;
    await client.callTool({ name: 'import_participants', arguments: { study_id, csv: 'id,email\na1,a1@x.example\na2,a2@x.example\n' } });
    await expect(client.callTool({ name: 'delete_study', arguments: { study_id, confirm: true } })).rejects.toThrow(/delete_study/);
    await transport.terminateSession();
    await client.close();

    const audit = await seglab('audit', '--study', String(study_id), '--db', dbPath);
    const lines = audit.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/\teddie \(token, editor\)\tcreate_study\tstudy \d+\t\{"name":"Team study"/);
    expect(lines[1]).toMatch(/\teddie \(token, editor\)\timport_participants\tstudy \d+\t\{"study_id":\d+,"csv":"id,email\\na1,/);
    expect(await seglab('audit', '--since', '2999-01-01', '--db', dbPath)).toMatch(/No changes recorded/);
    await expect(seglab('audit', '--since', 'yesterday-ish', '--db', dbPath)).rejects.toThrow(/not a date/);
  });

  it('owner: may delete; a study-limited token sees and changes only its studies', async () => {
    const { client, transport } = await signIn(secrets.olga);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(expect.arrayContaining(ownerOnly));
    const a: any = await client.callTool({ name: 'create_study', arguments: { name: 'Limited A' } });
    const b: any = await client.callTool({ name: 'create_study', arguments: { name: 'Limited B' } });
    const limited = await createToken('lim', 'editor', '--study', String(a.structuredContent.study_id));
    const other = await signIn(limited);
    const own: any = await other.client.callTool({ name: 'get_study', arguments: { study_id: a.structuredContent.study_id } });
    expect(own.isError).toBeFalsy();
    const foreign: any = await other.client.callTool({ name: 'get_study', arguments: { study_id: b.structuredContent.study_id } });
    expect(foreign.isError).toBe(true);
    expect(foreign.content[0].text).toMatch(/may use studies \d+ only/);
    const create: any = await other.client.callTool({ name: 'create_study', arguments: { name: 'Sneaky' } });
    expect(create.content[0].text).toMatch(/limited to studies \d+: create_study would reach beyond them/);
    const listed: any = await other.client.callTool({ name: 'list_studies', arguments: {} });
    expect(listed.structuredContent.studies.map((s: any) => s.name)).toEqual(['Limited A']);
    await other.client.close();

    // Owners manage tokens from their assistant too: the secret comes back once, only its hash is kept.
    const made: any = await client.callTool({ name: 'manage_tokens', arguments: { action: 'create', name: 'from-chat', role: 'viewer', studies: [a.structuredContent.study_id] } });
    expect(made.structuredContent.secret).toMatch(/^seglab_/);
    const viaTool = await signIn(made.structuredContent.secret);
    expect((await viaTool.client.listTools()).tools.map((t) => t.name)).not.toContain('create_study');
    const listed2: any = await client.callTool({ name: 'manage_tokens', arguments: { action: 'list' } });
    expect(listed2.structuredContent.tokens.find((t: any) => t.name === 'from-chat')).toMatchObject({ role: 'viewer', studies: [a.structuredContent.study_id], revoked_at: null });
    expect(JSON.stringify(listed2.structuredContent)).not.toContain('seglab_');
    await client.callTool({ name: 'manage_tokens', arguments: { action: 'revoke', name: 'from-chat' } });
    await expect(viaTool.client.listTools()).rejects.toThrow();
    const bad: any = await client.callTool({ name: 'manage_tokens', arguments: { action: 'create', name: 'x' } });
    expect(bad.content[0].text).toMatch(/role: one of viewer, editor, owner/);
    expect(await seglab('audit', '--db', dbPath)).not.toContain(made.structuredContent.secret);

    const deleted: any = await client.callTool({ name: 'delete_study', arguments: { study_id: b.structuredContent.study_id, confirm: true } });
    expect(deleted.structuredContent).toMatchObject({ deleted: true });
    await transport.terminateSession();
    await client.close();
  });

  it('a session belongs to the sign-in that opened it', async () => {
    const { client, transport } = await signIn(secrets.olga);
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${secrets.vera}`, 'mcp-session-id': transport.sessionId!, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'delete_study', arguments: { study_id: 1, confirm: true } } }),
    });
    expect(res.status).toBe(403);
    await transport.terminateSession();
    await client.close();
  });

  it('serves 2026-07-28 clients with the same roles', async () => {
    const { client } = await signIn(secrets.vera, { modern: true });
    expect(client.getProtocolEra()).toBe('modern');
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual([...readOnlyTools].sort());
    await client.close();
  });

  it('a revoked token stops working within a second, its open session closed', async () => {
    const revoked = await createToken('temp', 'editor');
    const { client, transport } = await signIn(revoked);
    expect((await client.callTool({ name: 'list_studies', arguments: {} })).isError).toBeFalsy();
    // Another sign-in naming the session: 403 while it is open (it belongs to "temp"), 404 once closed.
    // (Counting sessions on /healthz raced with other tests' sessions closing.)
    const sessionStatus = async () =>
      (
        await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${secrets.olga}`, 'mcp-session-id': transport.sessionId!, 'mcp-protocol-version': '2025-11-25' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
        })
      ).status;
    expect(await sessionStatus()).toBe(403);
    await seglab('token', 'revoke', '--name', 'temp', '--db', dbPath);
    const revokedAt = Date.now();
    await expect(client.callTool({ name: 'list_studies', arguments: {} })).rejects.toThrow();
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await sessionStatus()).toBe(404);
    expect(await seglab('token', 'list', '--db', dbPath)).toMatch(/^temp\teditor.*\tREVOKED /m);
    await expect(seglab('token', 'revoke', '--name', 'temp', '--db', dbPath)).rejects.toThrow(/No active token named "temp"/);
    await client.close().catch(() => undefined);
  });
});

describe('seglab backup', () => {
  it('copies the live database consistently, 0600, and never over an existing file or link', async () => {
    const { mkdtempSync, statSync, symlinkSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'seglab-backup-'));
    const target = join(dir, 'copy.db');
    expect(await seglab('backup', target, '--db', dbPath)).toMatch(/^Backed up .* \(\d+ pages\)/);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    const { default: Database } = await import('better-sqlite3');
    const copy = new Database(target, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.prepare('SELECT COUNT(*) FROM api_tokens').pluck().get()).toBeGreaterThanOrEqual(3);
    expect(copy.prepare("SELECT name FROM studies WHERE name = 'Team study'").pluck().get()).toBe('Team study');
    copy.close();
    await expect(seglab('backup', target, '--db', dbPath)).rejects.toThrow(/already exists; backups never overwrite/);
    symlinkSync(join(dir, 'victim.txt'), join(dir, 'planted.db'));
    await expect(seglab('backup', join(dir, 'planted.db'), '--db', dbPath)).rejects.toThrow(/already exists/);
    expect(() => statSync(join(dir, 'victim.txt'))).toThrow();
  });
});

describe('never exposed without authentication', () => {
  it('refuses to bind a non-loopback host without --auth, and says why', async () => {
    await expect(startHttpProcess(['--db', tempDbPath(), '--host', '0.0.0.0'])).rejects.toThrow(/Refusing to serve 0\.0\.0\.0 without authentication.*--auth tokens or --auth oauth/);
  });

  it('loopback without --auth serves the local user as before, without deletion', async () => {
    const local = await startHttpProcess(['--db', tempDbPath()]);
    try {
      const client = new Client({ name: 'local', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(local.url)));
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toContain('create_study');
      expect(names).not.toContain('delete_study');
      await client.close();
    } finally {
      await local.stop();
    }
  });
});
