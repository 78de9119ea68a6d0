/**
 * The Claude Desktop bundle: manifest.json checked by the @anthropic-ai/mcpb CLI, then `npm run
 * bundle`'s script packs a real .mcpb, which is unpacked and started with the command Claude
 * Desktop would derive from it (mcpb's own getMcpConfigForManifest: ${__dirname}, user_config).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getMcpConfigForManifest } from '@anthropic-ai/mcpb';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tools } from '../../src/tools/index.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const mcpb = join(root, 'node_modules', '@anthropic-ai', 'mcpb', 'dist', 'cli', 'cli.js');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; files: string[] };

let work: string;
let unpacked: string;
let bundleFile: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'seglab-bundle-test-'));
  const { stdout } = await run(process.execPath, [join(root, 'scripts', 'bundle.mjs'), '--out', work], { cwd: root, maxBuffer: 16 << 20 });
  bundleFile = stdout.split(' (')[0]!;
  unpacked = join(work, 'unpacked');
  await run(process.execPath, [mcpb, 'unpack', bundleFile, unpacked]);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the Claude Desktop bundle', () => {
  it('manifest.json passes the mcpb CLI validation, and the CLI does reject a broken one', async () => {
    const { stdout } = await run(process.execPath, [mcpb, 'validate', join(root, 'manifest.json')]);
    expect(stdout).toContain('Manifest schema validation passes');
    const broken = join(work, 'broken');
    await run(process.execPath, [mcpb, 'unpack', bundleFile, broken]);
    const manifest = JSON.parse(readFileSync(join(broken, 'manifest.json'), 'utf8'));
    delete manifest.server.mcp_config;
    writeFileSync(join(broken, 'manifest.json'), JSON.stringify(manifest));
    await expect(run(process.execPath, [mcpb, 'validate', join(broken, 'manifest.json')])).rejects.toMatchObject({ code: 1, stdout: expect.stringContaining('server.mcp_config: Required') });
  });

  it('is named and marked for the platform and Node.js it was packed with', () => {
    const major = process.versions.node.split('.')[0];
    expect(bundleFile).toBe(join(work, `seglab-${pkg.version}-${process.platform}-${process.arch}-node${major}.mcpb`));
    const manifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8'));
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.compatibility.platforms).toEqual([process.platform]);
    expect(manifest.compatibility.runtimes.node).toBe(`>=${major}.0.0 <${Number(major) + 1}.0.0`);
    expect(manifest.tools).toEqual(tools.map((t) => ({ name: t.name, description: t.title })));
    expect(existsSync(join(unpacked, manifest.server.entry_point))).toBe(true);
    expect(existsSync(join(unpacked, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
    expect(existsSync(join(unpacked, 'node_modules', 'vitest'))).toBe(false);
  });

  /** Starts the unpacked bundle with the command and environment mcpb derives, and creates a study. */
  async function startBundle(userConfig: Record<string, string>): Promise<{ env: Record<string, string>; studyId: number; client: Client }> {
    const manifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8'));
    const systemDirs = { HOME: work, DESKTOP: join(work, 'Desktop'), DOCUMENTS: join(work, 'Documents'), DOWNLOADS: join(work, 'Downloads') };
    const config = (await getMcpConfigForManifest({ manifest, extensionPath: unpacked, systemDirs, userConfig, pathSeparator: sep }))!;
    expect(config.command).toBe('node');
    expect(config.args).toEqual([`${unpacked}/dist/cli.js`, 'serve']);
    const client = new Client({ name: 'bundle-test', version: '1.0.0' });
    // Claude Desktop runs "node" with its own Node.js; here, the one that packed the bundle.
    const env = { PATH: process.env.PATH ?? '', HOME: work, ...config.env } as Record<string, string>;
    await client.connect(new StdioClientTransport({ command: process.execPath, args: config.args!, env, stderr: 'ignore' }));
    const created: any = await client.callTool({ name: 'create_study', arguments: { name: 'Bundle study' } });
    expect(created.isError).toBeFalsy();
    return { env: config.env!, studyId: created.structuredContent.study_id, client };
  }

  it('starts as Claude Desktop starts it, with the data and reports folders chosen in user_config', async () => {
    const { env, studyId, client } = await startBundle({ data_folder: join(work, 'research'), reports_folder: join(work, 'out') });
    try {
      expect(env).toEqual({ SEGLAB_DB: join(work, 'research', 'seglab.db'), SEGLAB_REPORTS: join(work, 'out') });
      expect(existsSync(join(work, 'research', 'seglab.db'))).toBe(true);
      const report: any = await client.callTool({ name: 'generate_report', arguments: { study_id: studyId } });
      expect(report.isError).toBeFalsy();
      // In the database's own folder inside the reports folder (reports/<database>-<id>/study-<id>/).
      const html: string = report.structuredContent.files.html;
      expect(html).toMatch(new RegExp(`^${join(work, 'out')}/seglab-[0-9a-f]{12}/study-${studyId}/report\\.html$`));
      expect(existsSync(html)).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('a default the host leaves as a ${...} template falls back to seglab\'s own data folder', async () => {
    const { env, client } = await startBundle({});
    await client.close();
    // mcpb substitutes once: a default's ${DOCUMENTS} stays as it is unless the host expands it.
    expect(env.SEGLAB_DB).toBe('${DOCUMENTS}/seglab/seglab.db');
    expect(existsSync(join(work, '.local', 'share', 'seglab', 'seglab.db'))).toBe(true);
    expect(existsSync(join(unpacked, '${DOCUMENTS}')) || existsSync(join(root, '${DOCUMENTS}'))).toBe(false);
  });
});
