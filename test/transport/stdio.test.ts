import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { describe, expect, it } from 'vitest';
import { tools as catalog } from '../../src/tools/index.js';
import { cliPath, tempDbPath } from '../helpers/processes.js';

const sampleCsv = fileURLToPath(new URL('../../data/sample-study/participants.csv', import.meta.url));

async function stdioClient(db: string): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [cliPath, 'serve', '--db', db], stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (d) => (stderr += d));
  const client = new Client({ name: 'stdio-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

const ok = async (client: Client, name: string, args: Record<string, unknown>) => {
  const result: any = await client.callTool({ name, arguments: args });
  expect(result.isError, result.content?.[0]?.text).toBeFalsy();
  return result.structuredContent;
};

describe('seglab serve (stdio)', () => {
  it('serves the tools over a spawned process, logging only to stderr', async () => {
    const db = tempDbPath();
    const { client, stderr } = await stdioClient(db);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(catalog.map((t) => t.name));
    const { study_id } = await ok(client, 'create_study', { name: 'Over stdio' });
    const imported = await ok(client, 'import_participants', { study_id, path: sampleCsv });
    expect(imported.inserted).toBe(48);
    const q = await ok(client, 'query_participants', { study_id, where: [{ field: 'tag', op: 'eq', value: 'churned' }], limit: 3 });
    expect(q.total).toBe(12);
    // A long-running tool streams progress over the pipe before its result.
    const updates: number[] = [];
    const clustered: any = await client.callTool({ name: 'cluster_participants', arguments: { study_id, k: 'auto', bootstraps: 5 } }, { onprogress: (p) => updates.push(p.progress) });
    expect(clustered.isError).toBeFalsy();
    expect(clustered.structuredContent.participants_clustered).toBe(48);
    expect(updates.length).toBeGreaterThan(2);
    expect(updates[updates.length - 1]).toBe(3 * (10 + 5) + 2); // read and encoded, 3 k × (10 restarts + 5 bootstrap rounds), describing and saving
    const churned = await ok(client, 'query_participants', { study_id, where: [{ field: 'segment', op: 'exists' }], limit: 1 });
    expect(churned.total).toBe(48);
    const bad: any = await client.callTool({ name: 'get_study', arguments: { study_id: 999 } });
    expect(bad.isError).toBe(true);
    await client.close();
    expect(stderr()).toContain(`[seglab] info: database ${db}`);
  });

  it('serves a 2026-07-28 (modern era) client too', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [cliPath, 'serve', '--db', tempDbPath()], stderr: 'pipe' });
    const client = new Client({ name: 'modern-client', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(transport);
    expect(client.getProtocolEra()).toBe('modern');
    const { study_id } = await ok(client, 'create_study', { name: 'Modern stdio' });
    expect(study_id).toBe(1);
    await client.close();
  });

  it('lets two processes share one database file (Claude Desktop and Cursor at once)', async () => {
    const db = tempDbPath();
    const a = await stdioClient(db);
    const b = await stdioClient(db);
    const { study_id } = await ok(a.client, 'create_study', { name: 'Shared' });
    // Both write at the same time: busy_timeout makes the second writer wait instead of failing.
    const csv = (prefix: string) => `id,score\n${Array.from({ length: 300 }, (_, i) => `${prefix}${i},${i}`).join('\n')}\n`;
    const [ra, rb] = await Promise.all([
      ok(a.client, 'import_participants', { study_id, csv: csv('a') }),
      ok(b.client, 'import_participants', { study_id, csv: csv('b') }),
    ]);
    expect(ra.inserted + rb.inserted).toBe(600);
    const seenByA = await ok(a.client, 'get_study', { study_id });
    const seenByB = await ok(b.client, 'get_study', { study_id });
    expect(seenByA.counts.participants).toBe(600);
    expect(seenByB.counts.participants).toBe(600);
    await Promise.all([a.client.close(), b.client.close()]);
  });
});
