import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { latestSchemaVersion, migrations } from './migrations.js';
import { registerTally } from './tally.js';

export type Db = Database.Database;

export interface OpenOptions {
  /** How long a writer waits for another process's lock before giving up (ms). */
  busyTimeoutMs?: number;
  /** A second, read-only connection to an existing, up-to-date file (e.g. for a worker thread). */
  readonly?: boolean;
}

/**
 * Opens (creating if needed) a seglab database and brings its schema up to date.
 * WAL lets readers and one writer work at once; busy_timeout lets a second process
 * (Claude Desktop and Cursor may both start the server) wait for a lock instead of failing.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (!options.readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = options.readonly ? new Database(path, { readonly: true, fileMustExist: true }) : new Database(path);
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  if (!options.readonly) {
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Deleted content is overwritten with zeros, so an erased participant leaves no bytes behind.
    db.pragma('secure_delete = ON');
    migrate(db);
  }
  registerTally(db);
  return db;
}

/** Applies every migration newer than the file's `user_version`, each in its own transaction. */
export function migrate(db: Db): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > latestSchemaVersion) {
    throw new Error(
      `This database was written by a newer seglab (schema ${from}; this version knows up to ${latestSchemaVersion}). Upgrade seglab.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    // IMMEDIATE takes the write lock first, so two processes starting together cannot both migrate.
    db.transaction(() => {
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return { from, to: latestSchemaVersion };
}

/**
 * For a worker's large write: its commit syncs the write-ahead log (synchronous = FULL), so the
 * transaction is durable when it returns, and does not also copy the log into the database file
 * (no automatic checkpoint on this connection): that copy — as long as the write itself at a
 * million rows — is left to checkpointWal, after the caller has its answer.
 */
export function durableCommitsWithoutCheckpoint(db: Db): void {
  db.pragma('synchronous = FULL');
  db.pragma('wal_autocheckpoint = 0');
}

/** How long a worker keeps trying to checkpoint its pages while other connections read. */
const CHECKPOINT_MS = 10_000;

/**
 * Copies a worker's large write from the write-ahead log into the database file, before its
 * turn to write is handed back: otherwise the next small write on the main thread would do it
 * (SQLite checkpoints when a commit leaves a large log) and block every session meanwhile. A
 * reader still on the snapshot before the write holds pages back, so it is tried again until the
 * log is copied (readers are short) or the time is up. Blocks: for worker threads only.
 */
export function checkpointWal(db: Db): void {
  const until = Date.now() + CHECKPOINT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const [state] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    if (!state || state.log <= state.checkpointed || Date.now() > until) return;
    Atomics.wait(pause, 0, 0, 10);
  }
}
