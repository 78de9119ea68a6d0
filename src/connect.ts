/**
 * `seglab connect <client>`: prints the exact entry a client needs to start this seglab (the Node.js
 * running now, this entry file, the database, all absolute), and with --write merges it into the
 * client's config file: a backup first, the other servers and comments left as they are, nothing
 * written when the entry is already there. Pinning the Node.js binary is the point: a client that
 * starts another `node` cannot load the SQLite module this one compiled.
 * Not the stdio server, so it prints to stdout.
 */
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { defaultDatabasePath } from './config.js';
import { listOf } from './errors.js';
import { isPostgresUrl } from './store/url.js';

/** Clients whose config file seglab can write. */
export const FILE_CLIENTS = ['claude-desktop', 'claude-code', 'cursor', 'vscode'] as const;
export type FileClient = (typeof FILE_CLIENTS)[number];
/** Clients that reach a deployed server by URL only. */
export const URL_CLIENTS = ['chatgpt', 'http'] as const;
export const CLIENTS = [...FILE_CLIENTS, ...URL_CLIENTS] as const;
export type Client = (typeof CLIENTS)[number];

const LABEL: Record<Client, string> = {
  'claude-desktop': 'Claude Desktop',
  'claude-code': 'Claude Code',
  cursor: 'Cursor',
  vscode: 'VS Code',
  chatgpt: 'ChatGPT',
  http: 'any MCP client over HTTP',
};

/** The key that holds servers in each client's file. */
const SERVERS_KEY: Record<FileClient, string> = { 'claude-desktop': 'mcpServers', 'claude-code': 'mcpServers', cursor: 'mcpServers', vscode: 'servers' };

const RESTART: Record<FileClient, string> = {
  'claude-desktop': 'Quit Claude Desktop completely and open it again.',
  'claude-code': 'Start a new Claude Code session: `/mcp` lists it (a session left running may rewrite ~/.claude.json when it exits: then run this again).',
  cursor: 'Cursor picks it up in Settings → MCP (toggle it on if it is off).',
  vscode: 'VS Code: run "MCP: List Servers" and start seglab (or reload the window).',
};

/** What starts this seglab over stdio. */
export interface Launch {
  command: string;
  args: string[];
}

export interface Place {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
}

const currentPlace = (): Place => ({ env: process.env, platform: process.platform, home: homedir() });

/** The folder desktop apps keep their settings in (Claude Desktop, VS Code). */
function appSettingsDir(place: Place): string {
  if (place.platform === 'win32') return place.env.APPDATA ?? join(place.home, 'AppData', 'Roaming');
  if (place.platform === 'darwin') return join(place.home, 'Library', 'Application Support');
  return place.env.XDG_CONFIG_HOME || join(place.home, '.config');
}

/** Where each client reads its user-wide server list. */
export function defaultConfigFile(client: FileClient, place: Place = currentPlace()): string {
  switch (client) {
    case 'claude-desktop':
      return join(appSettingsDir(place), 'Claude', 'claude_desktop_config.json');
    case 'claude-code':
      // User scope: what `claude mcp add --scope user` writes.
      return join(place.home, '.claude.json');
    case 'cursor':
      return join(place.home, '.cursor', 'mcp.json');
    case 'vscode':
      return join(appSettingsDir(place), 'Code', 'User', 'mcp.json');
  }
}

/** The CLI entry of this installation (dist/cli.js beside this module). */
export const entryFile = (): string => fileURLToPath(new URL('./cli.js', import.meta.url));

export function localLaunch(options: { db: string; reports?: string | undefined; node?: string; entry?: string }): Launch {
  const db = options.db === ':memory:' || isPostgresUrl(options.db) ? options.db : resolve(options.db);
  const args = [options.entry ?? entryFile(), 'serve', '--db', db];
  if (options.reports) args.push('--reports', resolve(options.reports));
  return { command: options.node ?? process.execPath, args };
}

/** The server entry in a client's own format: a local process, or a URL. */
export function serverEntry(client: FileClient, target: Launch | URL): Record<string, unknown> {
  if (target instanceof URL) {
    if (client === 'claude-desktop') throw new Error('Claude Desktop adds servers by URL as connectors, not in its config file.');
    return client === 'cursor' ? { url: target.href } : { type: 'http', url: target.href };
  }
  const local = { command: target.command, args: target.args };
  return client === 'claude-code' || client === 'vscode' ? { type: 'stdio', ...local } : local;
}

/** The config document that holds only this server. */
export function configSnippet(client: FileClient, name: string, entry: Record<string, unknown>): Record<string, unknown> {
  return { [SERVERS_KEY[client]]: { [name]: entry } };
}

/** A shell word, quoted only when it needs to be. */
export function shellWord(word: string, platform: NodeJS.Platform = process.platform): string {
  const plain = platform === 'win32' ? /^[\w@%+=:,./\\-]+$/ : /^[\w@%+=:,./-]+$/;
  if (plain.test(word)) return word;
  return platform === 'win32' ? `"${word.replace(/"/g, '\\"')}"` : `'${word.replace(/'/g, `'\\''`)}'`;
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

export type MergeStatus = 'added' | 'replaced' | 'unchanged';

/**
 * Puts `entry` under `key`.`name` of a JSON (or JSON-with-comments) document, editing only that
 * spot: comments, key order and the other servers stay as they are.
 */
export function mergeServer(text: string, key: string, name: string, entry: Record<string, unknown>): { text: string; status: MergeStatus; others: string[] } {
  const source = text.replace(/^\uFEFF/, '');
  const bom = source.length === text.length ? '' : '\uFEFF';
  const errors: ParseError[] = [];
  const root: unknown = source.trim() === '' ? {} : parse(source, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const first = errors[0]!;
    throw new Error(`it is not valid JSON (${printParseErrorCode(first.error)} at ${lineAndColumn(source, first.offset)})`);
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new Error('it does not hold a JSON object');
  const servers = (root as Record<string, unknown>)[key];
  if (servers !== undefined && (typeof servers !== 'object' || servers === null || Array.isArray(servers))) {
    throw new Error(`its "${key}" is not an object`);
  }
  const existing = servers as Record<string, unknown> | undefined;
  const others = Object.keys(existing ?? {}).filter((n) => n !== name);
  if (existing && isDeepStrictEqual(existing[name], entry)) return { text, status: 'unchanged', others };
  const tabs = /^\t/m.test(source);
  const indent = /^( +)"/m.exec(source)?.[1]?.length ?? 2;
  const edits = modify(source.trim() === '' ? '' : source, [key, name], entry, {
    formattingOptions: { insertSpaces: !tabs, tabSize: tabs ? 1 : indent, eol: source.includes('\r\n') ? '\r\n' : '\n' },
  });
  let merged = applyEdits(source.trim() === '' ? '' : source, edits);
  if (!merged.endsWith('\n')) merged += source.includes('\r\n') ? '\r\n' : '\n';
  return { text: bom + merged, status: existing && name in existing ? 'replaced' : 'added', others };
}

/** Writes `data` to `path` through a new file renamed over it: never through a link, never half-written. */
function replaceFile(path: string, data: string | Buffer, mode: number | undefined): void {
  const temporary = `${path}.${process.pid}-${Date.now()}.tmp`;
  try {
    writeFileSync(temporary, data, { flag: 'wx', mode });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

export interface WriteResult {
  file: string;
  status: MergeStatus;
  /** The previous file, kept before the change (null when there was none, or nothing changed). */
  backup: string | null;
  others: string[];
}

/** Merges the entry into a client's config file (created if missing), keeping a backup of the old one. */
export function writeServer(file: string, key: string, name: string, entry: Record<string, unknown>): WriteResult {
  let stat: ReturnType<typeof lstatSync> | undefined;
  try {
    stat = lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (stat?.isSymbolicLink()) throw new Error(`${file} is a symbolic link; seglab does not write through links. Add the entry above by hand; nothing was written.`);
  if (stat && !stat.isFile()) throw new Error(`${file} is not a regular file; nothing was written.`);
  const before = stat ? readFileSync(file) : undefined;
  let merged: ReturnType<typeof mergeServer>;
  try {
    merged = mergeServer(before?.toString('utf8') ?? '', key, name, entry);
  } catch (error) {
    throw new Error(`Cannot merge into ${file}: ${(error as Error).message}. Fix the file or add the entry above by hand; nothing was written.`);
  }
  if (merged.status === 'unchanged') return { file, status: 'unchanged', backup: null, others: merged.others };
  mkdirSync(dirname(file), { recursive: true });
  const mode = stat ? Number(stat.mode) & 0o777 : undefined;
  let backup: string | null = null;
  if (before) {
    backup = `${file}.bak`;
    replaceFile(backup, before, mode);
  }
  replaceFile(file, merged.text, mode);
  return { file, status: merged.status, backup, others: merged.others };
}

function parseUrl(raw: string | undefined, client: Client): URL {
  if (!raw) throw new Error(`seglab connect ${client} needs --url URL: the address of a deployed seglab (seglab serve --http), ending in /mcp.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--url "${raw}" is not a URL (e.g. https://seglab.example.com/mcp).`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`--url must start with https:// (or http:// on this computer), not ${url.protocol}//.`);
  return url;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

function urlWarnings(url: URL, client: Client): string[] {
  const warnings: string[] = [];
  if (client === 'chatgpt' && (url.protocol !== 'https:' || LOOPBACK.test(url.hostname))) {
    warnings.push('ChatGPT reaches servers over the internet only: it needs a public https:// address.');
  } else if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    warnings.push('Plain http:// beyond this computer sends research data unencrypted: put seglab behind TLS and authentication.');
  }
  return warnings;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

function remoteGuide(url: URL, name: string): string[] {
  return [
    `Claude Code:     claude mcp add --transport http ${shellWord(name)} ${shellWord(url.href)}`,
    `Cursor (~/.cursor/mcp.json):`,
    json(configSnippet('cursor', name, serverEntry('cursor', url))),
    `VS Code (mcp.json):`,
    json(configSnippet('vscode', name, serverEntry('vscode', url))),
    `Claude Desktop / claude.ai: Settings → Connectors → Add custom connector, URL ${url.href}`,
    `ChatGPT:         seglab connect chatgpt --url ${shellWord(url.href)}`,
  ];
}

function chatgptGuide(url: URL, name: string): string[] {
  return [
    'ChatGPT starts no local servers; it connects to a deployed seglab by URL (developer mode):',
    '  1. Settings → Apps & Connectors → Advanced settings: turn on Developer mode.',
    `  2. Settings → Apps & Connectors → Create: name "${name}", MCP server URL ${url.href}, and the authentication your deployment uses.`,
    '  3. In a chat, pick Developer mode and enable the connector.',
  ];
}

const USAGE = `Usage: seglab connect CLIENT [--db PATH] [--reports DIR] [--name NAME] [--write [--config FILE]]
       seglab connect CLIENT --url URL [--name NAME] [--write [--config FILE]]   (a deployed seglab serve --http)
CLIENT: ${CLIENTS.join(', ')}`;

export async function runConnect(argv: string[], place: Place = currentPlace()): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      reports: { type: 'string' },
      name: { type: 'string', default: 'seglab' },
      url: { type: 'string' },
      write: { type: 'boolean', default: false },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const out = (lines: string[]): void => void process.stdout.write(`${lines.join('\n')}\n`);
  if (values.help) return out([USAGE]);
  const client = positionals[0] as Client | undefined;
  if (!client || !(CLIENTS as readonly string[]).includes(client)) {
    throw new Error(`${client ? `Unknown client "${client}"` : 'Which client?'}: use one of ${listOf(CLIENTS)}.\n${USAGE}`);
  }
  const name = values.name;
  if (!/^[\w.-]+$/.test(name)) throw new Error(`--name "${name}" may only use letters, digits, "_", "-" and ".".`);

  const url = values.url !== undefined || client === 'chatgpt' || client === 'http' ? parseUrl(values.url, client) : undefined;
  if (url && (values.db || values.reports)) throw new Error('--db and --reports belong to a local server; a server at --url keeps its own database.');
  const warnings = url ? urlWarnings(url, client) : [];

  if (client === 'chatgpt' || client === 'http' || (client === 'claude-desktop' && url)) {
    if (values.write) throw new Error(`${LABEL[client]} has no config file seglab can write for a server URL; follow the steps printed without --write.`);
    const lines = client === 'chatgpt' ? chatgptGuide(url!, name) : client === 'http' ? remoteGuide(url!, name) : [`Claude Desktop adds servers by URL as connectors: Settings → Connectors → Add custom connector, URL ${url!.href}`];
    return out([`seglab at ${url!.href} → ${LABEL[client]}`, ...warnings.map((w) => `Note: ${w}`), '', ...lines]);
  }

  const file = resolve(values.config ?? defaultConfigFile(client, place));
  const launch = url ?? localLaunch({ db: values.db ?? defaultDatabasePath(place.env, place.platform), reports: values.reports });
  const entry = serverEntry(client, launch);
  const lines = [`seglab → ${LABEL[client]}`];
  if (launch instanceof URL) {
    lines.push(`  server:    ${launch.href}`);
  } else {
    lines.push(`  node:      ${launch.command} (${process.version}: the Node.js that runs seglab and compiled its SQLite module)`);
    lines.push(`  seglab:    ${launch.args[0]}`);
    lines.push(`  database:  ${launch.args[3]}`);
    if (values.reports) lines.push(`  reports:   ${launch.args[5]}`);
    if (launch.args[0]!.includes(`${sep}_npx${sep}`)) {
      warnings.push('this seglab runs from npx\'s cache, which npm may replace; for an entry that lasts, install it (npm install -g seglab) and run seglab connect again from there.');
    }
  }
  lines.push(`  config:    ${file}`, ...warnings.map((w) => `Note: ${w}`), '');

  if (!values.write) {
    lines.push(`Add this to ${file} (beside any servers already there):`, json(configSnippet(client, name, entry)), '');
    if (client === 'claude-code') {
      const how = launch instanceof URL ? `--transport http ${shellWord(name)} ${shellWord(launch.href)}` : `${shellWord(name)} -- ${[launch.command, ...launch.args].map((a) => shellWord(a)).join(' ')}`;
      lines.push('Or let Claude Code add it:', `  claude mcp add --scope user ${how}`, '');
    }
    const flags = Object.entries({ db: values.db, reports: values.reports, url: values.url, config: values.config, name: name === 'seglab' ? undefined : name })
      .filter(([, value]) => value !== undefined)
      .map(([flag, value]) => ` --${flag} ${shellWord(value!)}`)
      .join('');
    lines.push(`Or merge it in (other servers stay, a backup is kept): seglab connect ${client}${flags} --write`);
    return out(lines);
  }

  const result = writeServer(file, SERVERS_KEY[client], name, entry);
  if (result.status === 'unchanged') {
    lines.push(`${file} already has this "${name}" entry; nothing was written.`);
  } else {
    lines.push(`${result.status === 'added' ? 'Added' : 'Replaced'} "${name}" in ${file}.`);
    if (result.backup) lines.push(`The previous file is kept as ${result.backup}.`);
  }
  if (result.others.length) lines.push(`Other servers left as they were: ${result.others.join(', ')}.`);
  lines.push(RESTART[client]);
  out(lines);
}
