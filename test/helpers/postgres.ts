/**
 * A throwaway PostgreSQL server for the tests: a fresh cluster in a temporary folder, on a free
 * port of 127.0.0.1, trust authentication, fsync off. Debian's server binaries
 * (/usr/lib/postgresql/<major>/bin, or SEGLAB_PG_BIN) refuse to run as root, so as root the cluster
 * belongs to the `postgres` user and every binary runs through `runuser -u postgres`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface PostgresServer {
  /** postgres://seglab@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): string;
  stop(): void;
}

/** The folder of the newest PostgreSQL server binaries found, or null. */
export function postgresBinaries(): string | null {
  if (process.env.SEGLAB_PG_BIN) return process.env.SEGLAB_PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  const found = majors.map((v) => join(root, v, 'bin')).find((bin) => existsSync(join(bin, 'postgres')));
  return found ?? null;
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

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinaries();
  if (!bin) throw new Error('No PostgreSQL server binaries: install Debian\'s postgresql package or set SEGLAB_PG_BIN.');
  const asRoot = userInfo().uid === 0;
  const run = (tool: string, args: string[]) => {
    const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    const result = spawnSync(command, argv, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout}`);
  };
  const dir = mkdtempSync(join(tmpdir(), 'seglab-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'seglab', '-E', 'UTF8', '--no-sync', '--locale', 'C.UTF-8']);
  const port = await freePort();
  run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`, 'start']);
  const url = (database = 'postgres') => `postgres://seglab@127.0.0.1:${port}/${database}`;
  return {
    url,
    createDatabase(name) {
      run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'seglab', name]);
      return url(name);
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
