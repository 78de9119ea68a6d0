import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { parse } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { defaultConfigFile, mergeServer, shellWord, type FileClient } from '../../src/connect.js';
import { cliPath, runCommand } from '../helpers/processes.js';

/** `seglab connect …` from the built CLI, with a home folder of its own. */
function connect(args: string[], home: string) {
  const env = { ...process.env, HOME: home, USERPROFILE: home, XDG_CONFIG_HOME: '', XDG_DATA_HOME: '', SEGLAB_DB: '' };
  return runCommand(process.execPath, [cliPath, 'connect', ...args], { env });
}

/** The JSON document printed after "Add this to …". */
function printedSnippet(stdout: string): unknown {
  const start = stdout.indexOf('\n{', stdout.indexOf('Add this to'));
  const end = stdout.indexOf('\n}\n', start);
  return JSON.parse(stdout.slice(start, end + 2));
}

const newHome = () => mkdtempSync(join(tmpdir(), 'seglab-home-'));

const linux = (home: string) => ({ env: {}, platform: 'linux' as const, home });

describe('default config files', () => {
  it('are where each client reads its user-wide servers, per platform', () => {
    expect(defaultConfigFile('claude-desktop', { env: { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\ana' })).toBe(
      join('C:\\Users\\ana\\AppData\\Roaming', 'Claude', 'claude_desktop_config.json'),
    );
    expect(defaultConfigFile('claude-desktop', { env: {}, platform: 'darwin', home: '/Users/ana' })).toBe('/Users/ana/Library/Application Support/Claude/claude_desktop_config.json');
    expect(defaultConfigFile('claude-desktop', linux('/home/ana'))).toBe('/home/ana/.config/Claude/claude_desktop_config.json');
    expect(defaultConfigFile('claude-desktop', { env: { XDG_CONFIG_HOME: '/cfg' }, platform: 'linux', home: '/home/ana' })).toBe('/cfg/Claude/claude_desktop_config.json');
    expect(defaultConfigFile('claude-code', linux('/home/ana'))).toBe('/home/ana/.claude.json');
    expect(defaultConfigFile('cursor', { env: {}, platform: 'darwin', home: '/Users/ana' })).toBe('/Users/ana/.cursor/mcp.json');
    expect(defaultConfigFile('vscode', { env: {}, platform: 'darwin', home: '/Users/ana' })).toBe('/Users/ana/Library/Application Support/Code/User/mcp.json');
    expect(defaultConfigFile('vscode', linux('/home/ana'))).toBe('/home/ana/.config/Code/User/mcp.json');
  });
});

describe('mergeServer', () => {
  const entry = { command: '/opt/node/bin/node', args: ['/opt/seglab/dist/cli.js', 'serve', '--db', '/data/seglab.db'] };

  it('creates the document when the file is empty', () => {
    const merged = mergeServer('', 'mcpServers', 'seglab', entry);
    expect(merged.status).toBe('added');
    expect(JSON.parse(merged.text)).toEqual({ mcpServers: { seglab: entry } });
  });

  it('keeps comments, other settings and other servers exactly, and is idempotent', () => {
    const original = [
      '{',
      '  // my servers',
      '  "theme": "dark",',
      '  "servers": {',
      '    "github": {',
      '      "type": "http",',
      '      "url": "https://api.githubcopilot.com/mcp/" // remote',
      '    },',
      '  },',
      '  "inputs": []',
      '}',
      '',
    ].join('\n');
    const merged = mergeServer(original, 'servers', 'seglab', entry);
    expect(merged.status).toBe('added');
    expect(merged.others).toEqual(['github']);
    expect(merged.text).toContain('// my servers');
    expect(merged.text).toContain('"url": "https://api.githubcopilot.com/mcp/" // remote');
    const document = parse(merged.text) as Record<string, any>;
    expect(document).toEqual({ theme: 'dark', servers: { github: { type: 'http', url: 'https://api.githubcopilot.com/mcp/' }, seglab: entry }, inputs: [] });
    const again = mergeServer(merged.text, 'servers', 'seglab', entry);
    expect(again).toEqual({ text: merged.text, status: 'unchanged', others: ['github'] });
  });

  it('replaces an older seglab entry in place, and keeps CRLF line ends and a BOM', () => {
    const original = '\uFEFF{\r\n  "mcpServers": {\r\n    "seglab": { "command": "node", "args": ["old.js"] },\r\n    "other": { "command": "x" }\r\n  }\r\n}\r\n';
    const merged = mergeServer(original, 'mcpServers', 'seglab', entry);
    expect(merged.status).toBe('replaced');
    expect(merged.text.startsWith('\uFEFF{\r\n')).toBe(true);
    expect(merged.text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(JSON.parse(merged.text.slice(1))).toEqual({ mcpServers: { seglab: entry, other: { command: 'x' } } });
  });

  it('refuses what it cannot merge safely, saying where', () => {
    expect(() => mergeServer('{\n  "mcpServers": {\n    "a": 1,,\n  }\n}', 'mcpServers', 'seglab', entry)).toThrow(/not valid JSON \(PropertyNameExpected at line 3, column 12\)/);
    expect(() => mergeServer('[]', 'mcpServers', 'seglab', entry)).toThrow('it does not hold a JSON object');
    expect(() => mergeServer('{"mcpServers": []}', 'mcpServers', 'seglab', entry)).toThrow('its "mcpServers" is not an object');
  });

  it('quotes shell words only when needed', () => {
    expect(shellWord('/usr/bin/node', 'linux')).toBe('/usr/bin/node');
    expect(shellWord('/Users/ana/My Data/seglab.db', 'darwin')).toBe("'/Users/ana/My Data/seglab.db'");
    expect(shellWord("it's", 'linux')).toBe("'it'\\''s'");
    expect(shellWord('C:\\Program Files\\nodejs\\node.exe', 'win32')).toBe('"C:\\Program Files\\nodejs\\node.exe"');
  });
});

describe('seglab connect', () => {
  const expected: Record<FileClient, { file: string; key: string; extra: Record<string, string> }> = {
    'claude-desktop': { file: '.config/Claude/claude_desktop_config.json', key: 'mcpServers', extra: {} },
    'claude-code': { file: '.claude.json', key: 'mcpServers', extra: { type: 'stdio' } },
    cursor: { file: '.cursor/mcp.json', key: 'mcpServers', extra: {} },
    vscode: { file: '.config/Code/User/mcp.json', key: 'servers', extra: { type: 'stdio' } },
  };

  for (const [client, want] of Object.entries(expected) as [FileClient, (typeof expected)[FileClient]][]) {
    it(`${client}: prints the exact entry with absolute paths and its default config file`, async () => {
      const home = newHome();
      const { stdout, code } = await connect([client], home);
      expect(code).toBe(0);
      const db = join(home, '.local/share/seglab/seglab.db');
      expect(printedSnippet(stdout)).toEqual({ [want.key]: { seglab: { ...want.extra, command: process.execPath, args: [cliPath, 'serve', '--db', db] } } });
      expect(stdout).toContain(`config:    ${join(home, want.file)}`);
      expect(stdout).toContain(`seglab connect ${client} --write`);
      expect(existsSync(join(home, want.file))).toBe(false);
    });
  }

  it('claude-code also prints the `claude mcp add` command, quoted for the shell', async () => {
    const home = newHome();
    const db = join(home, 'My Studies', 'research.db');
    const { stdout } = await connect(['claude-code', '--db', db, '--reports', join(home, 'out')], home);
    expect(stdout).toContain(`claude mcp add --scope user seglab -- ${process.execPath} ${cliPath} serve --db '${db}' --reports ${join(home, 'out')}`);
  });

  for (const client of Object.keys(expected) as FileClient[]) {
    it(`${client} --write merges into an existing config: other servers kept, backup first, idempotent`, async () => {
      const home = newHome();
      const file = join(home, 'config', `${client}.json`);
      mkdirSync(join(home, 'config'));
      const key = expected[client].key;
      const original = `{\n  "keep": true,\n  "${key}": {\n    "notes": { "command": "npx", "args": ["-y", "notes-mcp"], "env": { "TOKEN": "x" } }\n  }\n}\n`;
      writeFileSync(file, original, { mode: 0o600 });

      const first = await connect([client, '--db', join(home, 'a.db'), '--config', file, '--write'], home);
      expect(first.code).toBe(0);
      expect(first.stdout).toContain(`Added "seglab" in ${file}.`);
      expect(first.stdout).toContain('Other servers left as they were: notes.');
      const written = JSON.parse(readFileSync(file, 'utf8'));
      expect(written.keep).toBe(true);
      expect(written[key].notes).toEqual({ command: 'npx', args: ['-y', 'notes-mcp'], env: { TOKEN: 'x' } });
      expect(written[key].seglab).toEqual({ ...expected[client].extra, command: process.execPath, args: [cliPath, 'serve', '--db', join(home, 'a.db')] });
      expect(readFileSync(`${file}.bak`, 'utf8')).toBe(original);
      expect(lstatSync(file).mode & 0o777).toBe(0o600);

      const second = await connect([client, '--db', join(home, 'a.db'), '--config', file, '--write'], home);
      expect(second.stdout).toContain('already has this "seglab" entry; nothing was written');
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(written);

      const moved = await connect([client, '--db', join(home, 'b.db'), '--config', file, '--write'], home);
      expect(moved.stdout).toContain(`Replaced "seglab" in ${file}.`);
      expect(JSON.parse(readFileSync(file, 'utf8'))[key].seglab.args[3]).toBe(join(home, 'b.db'));
      expect(JSON.parse(readFileSync(`${file}.bak`, 'utf8'))).toEqual(written);
    });
  }

  it('--write creates a missing config file at the default place', async () => {
    const home = newHome();
    const { code, stdout } = await connect(['cursor', '--write'], home);
    expect(code).toBe(0);
    expect(stdout).not.toContain('previous file');
    expect(Object.keys(JSON.parse(readFileSync(join(home, '.cursor/mcp.json'), 'utf8')).mcpServers)).toEqual(['seglab']);
  });

  it('the entry it writes starts a working server', async () => {
    const home = newHome();
    const file = join(home, 'claude_desktop_config.json');
    expect((await connect(['claude-desktop', '--db', join(home, 'studies.db'), '--config', file, '--write'], home)).code).toBe(0);
    const { command, args } = JSON.parse(readFileSync(file, 'utf8')).mcpServers.seglab as { command: string; args: string[] };
    const client = new Client({ name: 'connect-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command, args, stderr: 'ignore' }));
    try {
      const created: any = await client.callTool({ name: 'create_study', arguments: { name: 'Churn drivers' } });
      expect(created.structuredContent.study_id).toBe(1);
      expect(existsSync(join(home, 'studies.db'))).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('refuses to write through a symbolic link or into a broken file, and changes nothing', async () => {
    const home = newHome();
    const target = join(home, 'dotfiles.json');
    writeFileSync(target, '{"mcpServers": {}}');
    const link = join(home, 'mcp.json');
    symlinkSync(target, link);
    const linked = await connect(['cursor', '--config', link, '--write'], home);
    expect(linked.code).toBe(1);
    expect(linked.stderr).toContain('is a symbolic link; seglab does not write through links');
    expect(readFileSync(target, 'utf8')).toBe('{"mcpServers": {}}');

    const broken = join(home, 'broken.json');
    writeFileSync(broken, '{ "mcpServers": { "a": } }');
    const result = await connect(['cursor', '--config', broken, '--write'], home);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot merge into ${broken}: it is not valid JSON`);
    expect(readFileSync(broken, 'utf8')).toBe('{ "mcpServers": { "a": } }');
    expect(existsSync(`${broken}.bak`)).toBe(false);
  });

  it('a deployed server: URL entries for the clients, ChatGPT steps, and no --write where there is no file', async () => {
    const home = newHome();
    const url = 'https://seglab.example.com/mcp';
    const http = await connect(['http', '--url', url], home);
    expect(http.code).toBe(0);
    expect(http.stdout).toContain(`claude mcp add --transport http seglab ${url}`);
    expect(http.stdout).toContain(JSON.stringify({ servers: { seglab: { type: 'http', url } } }, null, 2));
    expect(http.stdout).toContain(JSON.stringify({ mcpServers: { seglab: { url } } }, null, 2));

    const cursor = await connect(['cursor', '--url', url, '--config', join(home, 'mcp.json'), '--write'], home);
    expect(cursor.code).toBe(0);
    expect(JSON.parse(readFileSync(join(home, 'mcp.json'), 'utf8'))).toEqual({ mcpServers: { seglab: { url } } });

    const chatgpt = await connect(['chatgpt', '--url', url], home);
    expect(chatgpt.stdout).toContain(`MCP server URL ${url}`);
    expect(chatgpt.stdout).not.toContain('Note:');
    expect((await connect(['chatgpt', '--url', 'http://127.0.0.1:3333/mcp'], home)).stdout).toContain('it needs a public https:// address');
    expect((await connect(['chatgpt', '--url', url, '--write'], home)).stderr).toContain('has no config file seglab can write');
    expect((await connect(['chatgpt'], home)).stderr).toContain('seglab connect chatgpt needs --url URL');
    expect((await connect(['cursor', '--url', 'ftp://x/mcp'], home)).stderr).toContain('--url must start with https://');
    expect((await connect(['claude-desktop', '--url', url], home)).stdout).toContain('Settings → Connectors → Add custom connector');
  });

  it('names the clients it knows when given another', async () => {
    const result = await connect(['windsurf'], newHome());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Unknown client "windsurf": use one of "claude-desktop", "claude-code", "cursor", "vscode", "chatgpt", "http"');
  });
});
