/**
 * One database, its own files: reports and exports live in a folder named after the database,
 * so two databases in one folder (or under one SEGLAB_REPORTS) never read each other's reports,
 * and an in-memory database writes to a private folder of its own.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/processes.js';

async function serve(args: string[], env: Record<string, string> = {}): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [cliPath, 'serve', ...args], env: { ...(process.env as Record<string, string>), SEGLAB_LOG: 'warn', ...env }, stderr: 'pipe' });
  const client = new Client({ name: 'reports-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

const ok = async (client: Client, name: string, args: Record<string, unknown>) => {
  const result: any = await client.callTool({ name, arguments: args });
  expect(result.isError, result.content?.[0]?.text).toBeFalsy();
  return result.structuredContent;
};

const reportMd = async (client: Client, studyId: number) => {
  const read = await client.readResource({ uri: `seglab://studies/${studyId}/report.md` });
  return (read.contents[0] as { text: string }).text;
};

describe('reports folder per database', () => {
  it('two databases in one folder never serve each other\'s reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seglab-two-dbs-'));
    const a = await serve(['--db', join(dir, 'client-a.db')]);
    const b = await serve(['--db', join(dir, 'client-b.db')]);
    try {
      const studyA = await ok(a, 'create_study', { name: 'CLIENT-A secret study' });
      const written = await ok(a, 'generate_report', { study_id: studyA.study_id });
      expect(readFileSync(written.files.markdown, 'utf8')).toContain('CLIENT-A secret study');
      expect(dirname(dirname(written.files.markdown))).toMatch(new RegExp(`^${dir}/reports/client-a-[0-9a-f]{12}$`));
      const studyB = await ok(b, 'create_study', { name: 'Client B study' });
      expect(studyB.study_id).toBe(studyA.study_id);
      // B has never written a report for its study 1: it makes its own, not A's.
      const md = await reportMd(b, studyB.study_id);
      expect(md).toContain('Client B study');
      expect(md).not.toContain('CLIENT-A');
      expect(await reportMd(a, studyA.study_id)).toContain('CLIENT-A secret study');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps databases apart under one SEGLAB_REPORTS, and gives an in-memory database a private folder', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'seglab-shared-reports-'));
    const dir = mkdtempSync(join(tmpdir(), 'seglab-dbs-'));
    const one = await serve(['--db', join(dir, 'seglab.db')], { SEGLAB_REPORTS: shared });
    const other = await serve(['--db', join(mkdtempSync(join(tmpdir(), 'seglab-dbs-')), 'seglab.db')], { SEGLAB_REPORTS: shared });
    const memory = await serve(['--db', ':memory:']);
    const memory2 = await serve(['--db', ':memory:']);
    try {
      const paths: string[] = [];
      for (const client of [one, other, memory, memory2]) {
        const { study_id } = await ok(client, 'create_study', { name: 'Same name' });
        paths.push(dirname((await ok(client, 'generate_report', { study_id })).files.markdown));
      }
      expect(new Set(paths).size).toBe(4);
      expect(paths[0]!.startsWith(shared) && paths[1]!.startsWith(shared)).toBe(true);
      for (const memoryPath of paths.slice(2)) {
        const folder = dirname(memoryPath);
        expect(folder).not.toBe(join(tmpdir(), 'seglab-reports'));
        expect(statSync(folder).mode & 0o777).toBe(0o700);
      }
    } finally {
      for (const client of [one, other, memory, memory2]) await client.close();
    }
  });
});
