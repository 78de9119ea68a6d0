import { request } from 'node:http';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tools as catalog } from '../../src/tools/index.js';
import { startHttpProcess, tempDbPath } from '../helpers/processes.js';

let server: Awaited<ReturnType<typeof startHttpProcess>>;
beforeAll(async () => {
  server = await startHttpProcess(['--db', tempDbPath()]);
});
afterAll(async () => server.stop());

async function httpClient(): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(server.url));
  const client = new Client({ name: 'http-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

const health = async () => (await fetch(server.url.replace(/\/mcp$/, '/healthz'))).json() as Promise<{ status: string; sessions: number; version: string }>;

/** A raw request with headers fetch will not let us forge (Host). */
function raw(headers: Record<string, string>, body = '{"jsonrpc":"2.0","id":1,"method":"ping"}'): Promise<number> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('seglab serve --http', () => {
  it('binds loopback and answers /healthz', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(await health()).toMatchObject({ status: 'ok', version: expect.any(String) });
  });

  it('serves two sessions at once, each with its own session id', async () => {
    const one = await httpClient();
    const two = await httpClient();
    expect(one.transport.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(two.transport.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(one.transport.sessionId).not.toBe(two.transport.sessionId);
    expect((await health()).sessions).toBe(2);

    const [a, b] = await Promise.all([
      one.client.callTool({ name: 'create_study', arguments: { name: 'From session one' } }),
      two.client.callTool({ name: 'create_study', arguments: { name: 'From session two' } }),
    ]);
    expect([(a as any).structuredContent.study_id, (b as any).structuredContent.study_id].sort()).toEqual([1, 2]);
    const list: any = await two.client.callTool({ name: 'list_studies', arguments: {} });
    expect(list.structuredContent.studies.map((s: any) => s.name)).toEqual(['From session one', 'From session two']);

    // Ending a session (DELETE) frees it on the server.
    await one.transport.terminateSession();
    await one.client.close();
    expect((await health()).sessions).toBe(1);
    await two.transport.terminateSession();
    await two.client.close();
    expect((await health()).sessions).toBe(0);
  });

  it('streams progress of a long tool call to a sessionful client', async () => {
    const { client, transport } = await httpClient();
    const created: any = await client.callTool({ name: 'create_study', arguments: { name: 'Progress over HTTP' } });
    const study_id = created.structuredContent.study_id;
    const csv = `id,visits,spend\n${Array.from({ length: 60 }, (_, i) => `c${i},${i % 3 === 0 ? 50 + i : i % 7},${i % 3 === 0 ? 900 : 20 + i}`).join('\n')}\n`;
    await client.callTool({ name: 'import_participants', arguments: { study_id, csv } });
    const updates: number[] = [];
    const result: any = await client.callTool({ name: 'cluster_participants', arguments: { study_id, k: 2, bootstraps: 10 } }, { onprogress: (p) => updates.push(p.progress) });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent.segments.map((s: any) => s.size)).toEqual([40, 20]);
    expect(updates.length).toBeGreaterThan(2);
    expect(updates[updates.length - 1]).toBe(22); // read and encoded, 10 restarts + 10 bootstrap rounds, describing and saving
    await transport.terminateSession();
    await client.close();
  });

  it('serves a 2026-07-28 (modern era) client on the same endpoint', async () => {
    const client = new Client({ name: 'modern-client', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    expect(client.getProtocolEra()).toBe('modern');
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    // Loopback without --auth is the local user: every research tool, deletion only for a signed-in owner.
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(catalog.filter((t) => t.role !== 'owner').map((t) => t.name));
    const result: any = await client.callTool({ name: 'create_study', arguments: { name: 'Modern era' } });
    expect(result.structuredContent).toMatchObject({ name: 'Modern era', mode: 'hybrid' });
    await client.close();
  });

  it('refuses file paths over HTTP unless --allow-dir was given', async () => {
    const { client, transport } = await httpClient();
    const result: any = await client.callTool({ name: 'import_participants', arguments: { study_id: 1, path: '/etc/hostname' } });
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toMatch(/Reading files is disabled over HTTP/);
    await transport.terminateSession();
    await client.close();
  });

  it('rejects foreign Host and Origin headers (DNS rebinding), unknown sessions and non-initialize openings', async () => {
    const url = new URL(server.url);
    expect(await raw({ host: 'evil.example' })).toBe(403);
    expect(await raw({ host: url.host, origin: 'http://evil.example' })).toBe(403);
    expect(await raw({ host: url.host, 'mcp-session-id': 'no-such-session' })).toBe(404);
    expect(await raw({ host: url.host })).toBe(400);
    expect((await fetch(server.url.replace(/\/mcp$/, '/other'))).status).toBe(404);
  });
});
