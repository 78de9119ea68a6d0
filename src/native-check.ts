/**
 * Start-up check of the one native module, better-sqlite3. When the Node.js that starts seglab is
 * not the one that compiled it (nvm, Homebrew, a client's own Node.js, a bundle packed elsewhere),
 * loading fails with an error that stdio clients never show ("Connection closed"). This names what
 * happened and the one command that fixes it.
 */
import Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

export type NativeProblemKind = 'abi-mismatch' | 'missing-binary' | 'load-failed';

export interface NativeProblem {
  kind: NativeProblemKind;
  /** What happened and how to fix it, for people: stderr, the client's tool results. */
  message: string;
}

/** The running process, as far as the message needs it (passed in so tests describe any machine). */
export interface Runtime {
  execPath: string;
  nodeVersion: string;
  /** process.versions.modules: the NODE_MODULE_VERSION this Node.js requires. */
  abi: string;
  /** Set when an Electron app (Claude Desktop's built-in Node.js) runs the server. */
  electron: string | undefined;
  platform: NodeJS.Platform;
  arch: string;
  /** The folder whose node_modules holds better-sqlite3: where `npm rebuild` must run. */
  installDir: string;
}

/** Node.js major versions by NODE_MODULE_VERSION (nodejs.org/en/download/releases, "NODE_MODULE_VERSION" column). */
const NODE_MAJOR_BY_ABI: Record<string, number> = { '108': 18, '111': 19, '115': 20, '120': 21, '127': 22, '131': 23, '137': 24, '141': 25 };

function nodeNamed(abi: string): string {
  const major = NODE_MAJOR_BY_ABI[abi];
  return major === undefined ? `another Node.js or Electron build (NODE_MODULE_VERSION ${abi})` : `Node.js ${major} (NODE_MODULE_VERSION ${abi})`;
}

export function currentRuntime(): Runtime {
  const require = createRequire(import.meta.url);
  // <installDir>/node_modules/better-sqlite3/package.json
  const installDir = resolve(dirname(require.resolve('better-sqlite3/package.json')), '..', '..');
  return {
    execPath: process.execPath,
    nodeVersion: process.version,
    abi: process.versions.modules,
    electron: process.versions.electron,
    platform: process.platform,
    arch: process.arch,
    installDir,
  };
}

/** The command that rebuilds better-sqlite3 with the Node.js running now (npm runs on the first `node` on PATH). */
export function rebuildCommand(runtime: Runtime): string {
  const nodeDir = dirname(runtime.execPath);
  if (runtime.platform === 'win32') {
    return `cd "${runtime.installDir}"; $env:Path = "${nodeDir};" + $env:Path; npm rebuild better-sqlite3`;
  }
  return `cd "${runtime.installDir}" && PATH="${nodeDir}:$PATH" npm rebuild better-sqlite3`;
}

const BUILT_IN_NODE_FIX =
  'Claude Desktop started seglab on its built-in Node.js, which cannot load compiled modules built for another Node.js. ' +
  'Add "isUsingBuiltInNodeForMcp": false at the top level of claude_desktop_config.json so it uses the Node.js installed on this computer ' +
  '(or run `seglab connect claude-desktop --write` with that Node.js: the entry it writes names it), then restart Claude Desktop.';

/**
 * Turns a failure to load better-sqlite3 into a problem with a fix, or null when the error is
 * something else (a database error, a bug) that must surface as it is.
 */
export function describeNativeProblem(error: unknown, runtime: Runtime): NativeProblem | null {
  const text = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const running = runtime.electron ? `Claude Desktop's built-in Node.js (Electron ${runtime.electron}, ${runtime.nodeVersion})` : `Node.js ${runtime.nodeVersion} at ${runtime.execPath}`;
  const fix = runtime.electron
    ? BUILT_IN_NODE_FIX
    : `Fix: rebuild it for this Node.js (takes about a minute; needs python3, make and a C++ compiler), then restart your MCP client:\n  ${rebuildCommand(runtime)}`;

  const abi = /NODE_MODULE_VERSION (\d+)\.[\s\S]*?requires\s+NODE_MODULE_VERSION (\d+)/.exec(text);
  if (abi) {
    return {
      kind: 'abi-mismatch',
      message:
        `seglab cannot open its database: its SQLite module (better-sqlite3) was compiled for ${nodeNamed(abi[1]!)}, ` +
        `but it is running on ${running}, which needs ${nodeNamed(abi[2]!)}. ` +
        'This happens when the Node.js that installed seglab is not the one your MCP client starts (nvm, Homebrew, a client\'s own Node.js).\n' +
        fix,
    };
  }
  if (/Could not locate the bindings file/.test(text)) {
    return {
      kind: 'missing-binary',
      message:
        `seglab cannot open its database: its SQLite module (better-sqlite3) was never compiled for ${running} ` +
        '(the install skipped or failed its build step).\n' +
        fix,
    };
  }
  if (code === 'ERR_DLOPEN_FAILED') {
    const reason = text.split('\n')[0]!.replace(/^.*better_sqlite3\.node:?\s*/, '').trim();
    return {
      kind: 'load-failed',
      message:
        `seglab cannot open its database: its SQLite module (better-sqlite3) does not load on ${running} (${runtime.platform}-${runtime.arch})` +
        `${reason ? `: ${reason}` : ''}. It was most likely built on another platform or for another Node.js ` +
        '(a bundle or folder copied from another computer).\n' +
        fix,
    };
  }
  return null;
}

/** Opens and closes an in-memory database: the first use of better-sqlite3 is what loads its binary. */
function openInMemory(): void {
  new Database(':memory:').close();
}

/** Null when better-sqlite3 loads; otherwise what went wrong and how to fix it. Other errors are thrown. */
export function sqliteLoadProblem(load: () => void = openInMemory, runtime: () => Runtime = currentRuntime): NativeProblem | null {
  try {
    load();
    return null;
  } catch (error) {
    const problem = describeNativeProblem(error, runtime());
    if (!problem) throw error;
    return problem;
  }
}
