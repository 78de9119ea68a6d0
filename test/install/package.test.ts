/**
 * The npm package as a user gets it: `npm pack`, installed into an empty folder (better-sqlite3
 * compiles there, ~1 minute: one install for this file, npm's cache reused), then started the way
 * client configs start it, `npx -y seglab serve`, through the SDK's stdio client.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tools } from '../../src/tools/index.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } as Record<string, string>;

let work: string;
let app: string;
let tarball: string;

beforeAll(async () => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'seglab-package-')));
  // dist/ is built by `npm test`; --ignore-scripts skips prepack's clean rebuild.
  const { stdout } = await run(npm, ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: root, env });
  tarball = join(work, stdout.trim().split('\n').pop()!);
  app = join(work, 'app');
  mkdirSync(app);
  await run(npm, ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, env, maxBuffer: 16 << 20 });
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds what a user needs and nothing else', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/cli.js', 'dist/compute/kmeans-worker.js', 'dist/report/report-worker.js', 'schemas/create_study.input.json', 'data/sample-study/study.json', 'data/sample-study/participants.csv', 'data/sample-study/interviews.json', 'data/sample-study/ground-truth.json']));
    expect(files.filter((f) => /^(src|test|bench|scripts|docs)\/|\.map$|\.ts$|generate\.mjs$|\.db$/.test(f))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules', 'seglab', 'package.json'), 'utf8'));
    expect(pkg.private).toBeUndefined();
    expect(pkg.bin).toEqual({ seglab: 'dist/cli.js' });
    expect(pkg.mcpName).toBe(JSON.parse(readFileSync(join(root, 'server.json'), 'utf8')).name);
  });

  it('`npx -y seglab serve` from the installed package serves every tool over stdio', async () => {
    const db = join(work, 'serve.db');
    const transport = new StdioClientTransport({ command: npx, args: ['-y', 'seglab', 'serve', '--db', db], cwd: app, env, stderr: 'ignore' });
    const client = new Client({ name: 'package-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'seglab', version: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version });
      const { tools: listed } = await client.listTools();
      expect(listed.map((t) => t.name)).toEqual(tools.map((t) => t.name));
      const created: any = await client.callTool({ name: 'create_study', arguments: { name: 'Why customers churn', decision: 'Which segment to win back first' } });
      expect(created.isError).toBeFalsy();
      const listedStudies: any = await client.callTool({ name: 'list_studies', arguments: {} });
      expect(listedStudies.structuredContent.studies).toEqual([expect.objectContaining({ study_id: created.structuredContent.study_id, name: 'Why customers churn' })]);
    } finally {
      await client.close();
    }
  });

  it('`npx -y seglab demo` runs the sample study from the installed package', async () => {
    const { stdout } = await run(npx, ['-y', 'seglab', 'demo', '--db', join(work, 'demo.db')], { cwd: app, env, maxBuffer: 16 << 20 });
    expect(stdout).toContain('44 of 44 participants grouped exactly as the planted archetypes');
    expect(stdout).toContain('━━ Done');
  });

  it('`seglab connect` from the installed package names the installed entry file and the Node.js running it', async () => {
    const { stdout } = await run(npx, ['-y', 'seglab', 'connect', 'claude-desktop', '--db', join(work, 'c.db')], { cwd: app, env });
    expect(stdout).toContain(`"command": ${JSON.stringify(process.execPath)}`);
    expect(stdout).toContain(JSON.stringify(join(app, 'node_modules', 'seglab', 'dist', 'cli.js')));
  });
});
