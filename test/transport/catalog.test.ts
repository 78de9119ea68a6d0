/**
 * The catalog a spawned server lists (issue 12, a lean catalog): the whole of it under 50,000
 * characters, and --toolsets / --read-only narrowing it over stdio and HTTP.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { describe, expect, it } from 'vitest';
import { tools as catalog } from '../../src/tools/index.js';
import { TOOLSETS } from '../../src/tools/toolsets.js';
import { cliPath, runCommand, startHttpProcess, tempDbPath } from '../helpers/processes.js';

/** The catalog's budget in the model's context (issue 12). */
const CATALOG_BUDGET = 50_000;

async function stdioServer(flags: string[]): Promise<Client> {
  const client = new Client({ name: 'catalog-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [cliPath, 'serve', '--db', tempDbPath(), ...flags], stderr: 'ignore' }));
  return client;
}

const inOrder = (names: readonly string[]) => catalog.map((t) => t.name).filter((name) => names.includes(name));

describe('tools/list of a spawned server', () => {
  it('is under 50,000 characters with every tool', async () => {
    const client = await stdioServer([]);
    try {
      const listed = await client.listTools();
      expect(listed.tools.map((t) => t.name)).toEqual(catalog.map((t) => t.name));
      expect(JSON.stringify(listed).length).toBeLessThan(CATALOG_BUDGET);
    } finally {
      await client.close();
    }
  });

  it('--toolsets lists only the tools of those sets, and the others cannot be called', async () => {
    const client = await stdioServer(['--toolsets', 'analysis,reports']);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(inOrder([...TOOLSETS.analysis, ...TOOLSETS.reports]));
      await expect(client.callTool({ name: 'create_study', arguments: { name: 'Not here' } })).rejects.toThrow(/create_study/);
    } finally {
      await client.close();
    }
  });

  it('--read-only lists only tools that change nothing, and a write tool is absent and refused', async () => {
    const client = await stdioServer(['--read-only']);
    try {
      const { tools } = await client.listTools();
      const names = tools.map((t) => t.name);
      expect(names).toEqual(catalog.filter((t) => t.annotations.readOnlyHint === true).map((t) => t.name));
      expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
      for (const write of ['create_study', 'import_participants', 'record_interview', 'delete_study']) expect(names).not.toContain(write);
      await expect(client.callTool({ name: 'record_interview', arguments: { study_id: 1, participant_id: 'p1' } })).rejects.toThrow(/record_interview/);
      // The reads work.
      const listed: any = await client.callTool({ name: 'list_studies', arguments: {} });
      expect(listed.structuredContent.total).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('--toolsets with --read-only over HTTP: the read-only tools of those sets', async () => {
    const server = await startHttpProcess(['--db', tempDbPath(), '--toolsets', 'setup,segments', '--read-only']);
    const client = new Client({ name: 'catalog-test', version: '1.0.0' });
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
      const { tools } = await client.listTools();
      const readOnly = new Set(catalog.filter((t) => t.annotations.readOnlyHint === true).map((t) => t.name));
      expect(tools.map((t) => t.name)).toEqual(inOrder([...TOOLSETS.setup, ...TOOLSETS.segments]).filter((name) => readOnly.has(name)));
      expect(tools.map((t) => t.name)).toEqual(['list_studies', 'get_study', 'get_segmentation', 'compare_segments', 'validate_segmentation', 'segment_migration']);
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it('refuses an unknown toolset, naming the ones there are', async () => {
    const { code, stderr } = await runCommand(process.execPath, [cliPath, 'serve', '--db', tempDbPath(), '--toolsets', 'analysis,reporting']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/--toolsets: unknown "reporting"; toolsets are setup, interviews, analysis, segments, reports, admin, search/);
  });
});
