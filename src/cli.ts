#!/usr/bin/env node
/**
 * The only process-level code: parse flags and environment, open the store, pick a transport.
 * stdout is the protocol on stdio: everything else goes to stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { LimitedStdioServerTransport } from './transport/stdio.js';
import { defaultDatabasePath, reportsDirectory } from './config.js';
import { createLogger } from './log.js';
import { createServer, version } from './server.js';
import { connectStore, describeDatabase } from './store/index.js';
import type { ToolDeps } from './tools/define.js';
import { parseToolsets, TOOLSET_NAMES, type Catalog } from './tools/toolsets.js';
import { ADMIN_COMMANDS, ADMIN_USAGE, runAdminCommand } from './commands/admin.js';
import { HTTP_OPTIONS, HTTP_USAGE, serveHttp } from './commands/serve-http.js';

const USAGE = `seglab ${version} — MCP server for customer-segmentation research

Usage:
  seglab serve [--db PATH] [--reports DIR] [--toolsets LIST] [--read-only]
                                                stdio server (what Claude Desktop, Claude Code and Cursor launch)
  seglab serve --http [--port 3333] [--host 127.0.0.1] [--allow-dir DIR] [--allowed-host NAME ...]
                                                Streamable HTTP at /mcp, GET /healthz
${HTTP_USAGE}
${ADMIN_USAGE}
  seglab demo [--db PATH]                       drive the sample study through the MCP client
  seglab connect CLIENT [--write] [--db PATH]   the config for claude-desktop, claude-code, cursor, vscode
                                                (or chatgpt / http with --url URL); --write merges it in
  seglab export-schemas DIR                     write the tools' JSON Schemas

Options:
  --db PATH        SQLite database (default: $SEGLAB_DB, else ${defaultDatabasePath()}); ":memory:" works
  --allow-dir DIR  over HTTP, let import_participants read CSV files below DIR (refused otherwise)
  --toolsets LIST  offer only these tools (comma-separated): ${TOOLSET_NAMES.join(', ')}
  --read-only      offer only the tools that change nothing (with --toolsets: those of the sets)
  --reports DIR    where reports and exports are written, in a folder per database (default: $SEGLAB_REPORTS,
                   else reports/ beside the database; with --db :memory:, a private temporary folder)
  SEGLAB_LOG       log level on stderr: debug | info | warn | error (default info)`;

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'connect') return (await import('./connect.js')).runConnect(argv.slice(1));
  if ((ADMIN_COMMANDS as readonly string[]).includes(argv[0] ?? '')) return runAdminCommand(argv, () => defaultDatabasePath());
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      http: { type: 'boolean', default: false },
      port: { type: 'string', default: '3333' },
      host: { type: 'string', default: '127.0.0.1' },
      'allow-dir': { type: 'string' },
      reports: { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      toolsets: { type: 'string' },
      'read-only': { type: 'boolean', default: false },
      ...HTTP_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
    },
  });
  const command = positionals[0] ?? 'serve';
  if (values.help) return void process.stderr.write(`${USAGE}\n`);
  if (values.version) return void process.stderr.write(`${version}\n`);
  const log = createLogger();

  if (command === 'export-schemas') {
    const { toolSchemas } = await import('./schemas.js');
    const dir = resolve(positionals[1] ?? 'schemas');
    mkdirSync(dir, { recursive: true });
    const schemas = Object.entries(toolSchemas());
    for (const [file, schema] of schemas) writeFileSync(join(dir, file), `${JSON.stringify(schema, null, 2)}\n`);
    log.info(`wrote ${schemas.length} schemas to ${dir}`);
    return;
  }
  if ((command === 'serve' || command === 'demo') && (await import('./unavailable-server.js')).stopOnStartupProblem({ serveOverStdio: command === 'serve' && !values.http, log })) return;
  if (command === 'demo') {
    const { runDemo } = await import('./demo.js');
    return runDemo({ db: values.db });
  }
  if (command !== 'serve') throw new Error(`Unknown command "${command}".\n\n${USAGE}`);
  const catalog: Catalog = { toolsets: values.toolsets === undefined ? null : parseToolsets(values.toolsets), readOnly: values['read-only'] };

  const dbPath = values.db ?? defaultDatabasePath();
  const store = await connectStore(dbPath);
  // A folder of this database's own; an in-memory one gets a private temporary folder (mode 0700).
  const outputDir = resolve(reportsDirectory(dbPath, await store.databaseId(), values.reports));
  log.info(`database ${describeDatabase(dbPath)}; reports and exports in ${outputDir}`);

  if (!values.http) {
    const deps: ToolDeps = { store, log, catalog, files: { allowAnyPath: true, importRoot: null, outputDir } };
    const handle = serveStdio(() => createServer(deps), { transport: new LimitedStdioServerTransport(), onerror: (e) => log.error('stdio', e) });
    const stop = () => void handle.close().finally(() => store.close());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }

  const deps: ToolDeps = { store, log, catalog, files: { allowAnyPath: false, importRoot: values['allow-dir'] ? resolve(values['allow-dir']) : null, outputDir } };
  await serveHttp(values, { store, log, version, createServer: (caller) => createServer({ ...deps, caller }) });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`seglab: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
