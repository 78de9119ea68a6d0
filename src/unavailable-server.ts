/**
 * What `seglab serve` runs over stdio when it cannot open its database (see native-check.ts).
 * A process that exits shows up in Claude Desktop, Cursor and VS Code as "Server disconnected" /
 * "Connection closed", with the reason only in a log file. This server answers the handshake
 * instead, lists the real tools, and returns the reason and its fix from every call, so the
 * assistant can tell the user what to do; the instructions and a log message carry it too.
 */
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { UserError } from './errors.js';
import type { Logger } from './log.js';
import { sqliteLoadProblem } from './native-check.js';
import { version } from './server.js';
import type { Store } from './store/index.js';
import { registerTools } from './tools/register.js';
import { tools } from './tools/index.js';

export function createUnavailableServer(reason: string, log: Logger): McpServer {
  const server = new McpServer(
    { name: 'seglab', title: 'seglab — customer segmentation research (not working yet)', version },
    { capabilities: { logging: {} }, instructions: `seglab is installed but cannot work yet. Tell the user:\n${reason}` },
  );
  const failing = tools.map((tool) => ({
    ...tool,
    run: () => {
      throw new UserError(reason);
    },
  }));
  // No tool reaches the store: every run throws before it would.
  registerTools(server, failing, { store: undefined as unknown as Store, log, files: { allowAnyPath: false, importRoot: null, outputDir: '' } });
  server.server.oninitialized = () => {
    void server.sendLoggingMessage({ level: 'error', logger: 'seglab', data: reason }).catch(() => undefined);
  };
  return server;
}

/**
 * Checks that the database module loads before `serve` or `demo` starts. On failure the reason goes
 * to stderr and, over stdio, to the client through the server above; the HTTP server and the demo
 * exit with status 1 instead. Returns true when the caller must not go on.
 */
export function stopOnStartupProblem(options: { serveOverStdio: boolean; log: Logger }): boolean {
  const problem = sqliteLoadProblem();
  if (!problem) return false;
  options.log.error(problem.message);
  if (!options.serveOverStdio) {
    process.exitCode = 1;
    return true;
  }
  serveStdio(() => createUnavailableServer(problem.message, options.log), { onerror: (e) => options.log.error('stdio', e) });
  return true;
}
