import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { privateTemporaryFolder } from './app/output-files.js';
import { isPostgresUrl } from './store/url.js';

/**
 * A path from the environment, or undefined when it is empty or still holds a `${...}` placeholder:
 * a host that leaves an MCP bundle's user_config unfilled passes its template through as it is.
 */
function pathSetting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value && !/\$\{[^}]*\}/.test(value) ? value : undefined;
}

/**
 * Where the database lives unless --db or SEGLAB_DB says otherwise: a per-user data folder,
 * never the installed package (which npx may replace at any time).
 */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const configured = pathSetting(env, 'SEGLAB_DB');
  if (configured) return configured;
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'seglab', 'seglab.db');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'seglab', 'seglab.db');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'seglab', 'seglab.db');
}

export function isMemoryDatabase(dbPath: string): boolean {
  return dbPath === ':memory:' || dbPath === '';
}

/**
 * Where a database's reports and exports are written: a folder of its own, named after the
 * database file and the random id stored in it (`<parent>/<file>-<id>/`), so two databases never
 * share one — not two files in one folder, not two with one name under a shared --reports, not
 * a database deleted and created again. The parent is `reports` (--reports DIR), else
 * SEGLAB_REPORTS, else `reports/` beside the database. An in-memory database without either keeps
 * nothing: a fresh folder only this user can enter, not a shared temp name anyone can plant links in.
 */
export function reportsDirectory(dbPath: string, databaseId: string, reports?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (isPostgresUrl(dbPath)) {
    // No file to sit beside: the folder is named; replicas share it (reports written by one are read by another).
    const parent = reports ?? pathSetting(env, 'SEGLAB_REPORTS');
    if (!parent) throw new Error('A PostgreSQL database keeps reports and exports in a folder of files: pass --reports DIR (or SEGLAB_REPORTS), a folder every replica shares.');
    return join(parent, `postgres-${databaseId}`);
  }
  const memory = isMemoryDatabase(dbPath);
  const parent = reports ?? pathSetting(env, 'SEGLAB_REPORTS') ?? (memory ? null : join(dirname(dbPath), 'reports'));
  if (parent === null) return privateTemporaryFolder('seglab-reports-');
  const name = memory ? 'memory' : basename(dbPath).replace(/\.(db|sqlite3?)$/i, '').replace(/[^\w.-]+/g, '_') || 'seglab';
  return join(parent, `${name}-${databaseId}`);
}
