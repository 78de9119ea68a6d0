import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { privateTemporaryFolder } from './app/output-files.js';

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

/** Where reports and exports are written: a `reports` folder beside the database. */
export function reportsDirectory(dbPath: string, env: NodeJS.ProcessEnv = process.env): string {
  const configured = pathSetting(env, 'SEGLAB_REPORTS');
  if (configured) return configured;
  // Nothing is kept: a fresh folder only this user can enter, not a shared temp name anyone can plant links in.
  if (dbPath === ':memory:' || dbPath === '') return privateTemporaryFolder('seglab-reports-');
  return join(dirname(dbPath), 'reports');
}
