import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { describe, expect, it } from 'vitest';
import { currentRuntime, describeNativeProblem, sqliteLoadProblem, type Runtime } from '../../src/native-check.js';
import { tools } from '../../src/tools/index.js';
import { cliPath, runCommand } from '../helpers/processes.js';

const failDlopen = fileURLToPath(new URL('../fixtures/native/dlopen-fails.cjs', import.meta.url));

/** The message Node.js itself gives for a binary compiled by another Node.js (src/node_binding.cc). */
function abiError(built: number, required: number): Error {
  const error = new Error(
    `The module '/Users/ana/.npm/_npx/1f2e/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION ${built}. This version of Node.js requires\nNODE_MODULE_VERSION ${required}. Please try re-compiling or re-installing\nthe module (for instance, using \`npm rebuild\` or \`npm install\`).`,
  );
  Object.assign(error, { code: 'ERR_DLOPEN_FAILED' });
  return error;
}

const mac: Runtime = {
  execPath: '/opt/homebrew/bin/node',
  nodeVersion: 'v24.11.0',
  abi: '137',
  electron: undefined,
  platform: 'darwin',
  arch: 'arm64',
  installDir: '/Users/ana/.npm/_npx/1f2e',
};

describe('describeNativeProblem', () => {
  it('a binary from another Node.js: both versions and the rebuild command for the running one', () => {
    const problem = describeNativeProblem(abiError(127, 137), mac)!;
    expect(problem.kind).toBe('abi-mismatch');
    expect(problem.message).toContain('was compiled for Node.js 22 (NODE_MODULE_VERSION 127), but it is running on Node.js v24.11.0 at /opt/homebrew/bin/node, which needs Node.js 24 (NODE_MODULE_VERSION 137)');
    expect(problem.message).toContain('cd "/Users/ana/.npm/_npx/1f2e" && PATH="/opt/homebrew/bin:$PATH" npm rebuild better-sqlite3');
  });

  it('on Windows the command is for PowerShell', () => {
    const windows: Runtime = { ...mac, platform: 'win32', execPath: 'C:\\Program Files\\nodejs\\node.exe', installDir: 'C:\\Users\\ana\\seglab' };
    // path.dirname is POSIX here; the command keeps the folder as given.
    expect(describeNativeProblem(abiError(115, 137), windows)!.message).toContain('cd "C:\\Users\\ana\\seglab"; $env:Path = "');
  });

  it("Claude Desktop's built-in Node.js: the setting that makes it use the installed one", () => {
    const problem = describeNativeProblem(abiError(115, 133), { ...mac, electron: '37.2.0', abi: '133' })!;
    expect(problem.message).toContain("running on Claude Desktop's built-in Node.js (Electron 37.2.0");
    expect(problem.message).toContain('another Node.js or Electron build (NODE_MODULE_VERSION 133)');
    expect(problem.message).toContain('"isUsingBuiltInNodeForMcp": false');
  });

  it('a binary never built, and one from another platform', () => {
    const missing = describeNativeProblem(new Error('Could not locate the bindings file. Tried:\n → /x/node_modules/better-sqlite3/build/better_sqlite3.node'), mac)!;
    expect(missing.kind).toBe('missing-binary');
    expect(missing.message).toContain('was never compiled for Node.js v24.11.0');
    const foreign = Object.assign(new Error('dlopen(/x/node_modules/better-sqlite3/build/Release/better_sqlite3.node, 0x0001): tried: ... (not a mach-o file)'), { code: 'ERR_DLOPEN_FAILED' });
    const problem = describeNativeProblem(foreign, mac)!;
    expect(problem.kind).toBe('load-failed');
    expect(problem.message).toContain('does not load on Node.js v24.11.0 at /opt/homebrew/bin/node (darwin-arm64)');
    expect(problem.message).toContain('npm rebuild better-sqlite3');
  });

  it('leaves other errors alone', () => {
    expect(describeNativeProblem(Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' }), mac)).toBeNull();
    expect(() => sqliteLoadProblem(() => { throw new TypeError('a bug'); }, () => mac)).toThrow('a bug');
  });

  it('finds nothing wrong with the module this machine built, and knows its install folder', () => {
    expect(sqliteLoadProblem()).toBeNull();
    expect(existsSync(join(currentRuntime().installDir, 'node_modules', 'better-sqlite3', 'package.json'))).toBe(true);
  });
});

describe('seglab serve when better-sqlite3 does not load', () => {
  it('answers over stdio with the reason: instructions, the real tool list, and every call', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'seglab-native-')), 'seglab.db');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--require', failDlopen, cliPath, 'serve', '--db', db],
      env: { ...process.env, SEGLAB_TEST_DLOPEN: 'abi' } as Record<string, string>,
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr!.on('data', (chunk) => (stderr += chunk));
    const logged: string[] = [];
    const client = new Client({ name: 'native-test', version: '1.0.0' });
    client.setNotificationHandler('notifications/message', (notification) => void logged.push(String(notification.params.data)));
    await client.connect(transport);
    try {
      const fix = `PATH="${join(process.execPath, '..')}:$PATH" npm rebuild better-sqlite3`;
      expect(client.getInstructions()).toContain('was compiled for Node.js 22 (NODE_MODULE_VERSION 127)');
      const { tools: listed } = await client.listTools();
      expect(listed.map((t) => t.name)).toEqual(tools.map((t) => t.name));
      for (const name of ['list_studies', 'create_study']) {
        const result: any = await client.callTool({ name, arguments: name === 'create_study' ? { name: 'x' } : {} });
        expect(result.isError).toBe(true);
        expect(result.structuredContent).toBeUndefined();
        expect(result.content[0].text).toContain(fix);
      }
      expect(stderr).toContain('seglab cannot open its database');
      expect(stderr).toContain(fix);
      await expect.poll(() => logged.join('\n')).toContain(fix);
      expect(existsSync(db)).toBe(false);
    } finally {
      await client.close();
    }
  });

  it('the HTTP server and the demo exit with status 1 and the reason on stderr', async () => {
    for (const args of [['serve', '--http', '--port', '0'], ['demo']]) {
      const failure = await runCommand(process.execPath, ['--require', failDlopen, cliPath, ...args], { env: { ...process.env, SEGLAB_TEST_DLOPEN: 'platform' } });
      expect(failure.code).toBe(1);
      expect(failure.stderr).toContain(`does not load on Node.js ${process.version} at ${process.execPath} (${process.platform}-${process.arch})`);
      expect(failure.stdout).toBe('');
    }
  });
});
