/**
 * Administration commands that work on the database file directly (no server needed):
 *   seglab token create|list|revoke, seglab audit, seglab backup FILE.
 * Output goes to stdout (these are not the stdio server); errors are thrown with a message.
 */
import { chmodSync, lstatSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createToken, revokeToken } from '../app/tokens.js';
import { UserError } from '../errors.js';
import { connectStore, isPostgresUrl, SqliteStore, type Store } from '../store/index.js';

export const ADMIN_COMMANDS = ['token', 'audit', 'backup'] as const;

export const ADMIN_USAGE = `  seglab token create --name NAME --role viewer|editor|owner [--study ID ...] [--db PATH]
                                                a bearer token for serve --http --auth tokens (printed once, on the last line)
  seglab token list [--db PATH]                 tokens with role, studies, last use and revocation
  seglab token revoke --name NAME [--db PATH]   revoke a token (a running server refuses it from its next request)
  seglab audit [--study ID] [--since DATE] [--db PATH]
                                                who changed what: every write with its tool, study and arguments
  seglab backup FILE [--db PATH]                a consistent copy of the database through SQLite's online backup`;

type Out = (line: string) => void;

function studyIds(values: string[] | undefined): number[] | null {
  if (!values || values.length === 0) return null;
  return values.map((v) => {
    const id = Number(v);
    if (!Number.isInteger(id) || id <= 0) throw new UserError(`--study ${v} is not a study id.`);
    return id;
  });
}

async function tokenCommand(store: Store, sub: string | undefined, values: { name?: string | undefined; role?: string | undefined; study?: string[] | undefined }, out: Out): Promise<void> {
  if (sub === 'create') {
    const { token, secret } = await createToken(store, { name: values.name, role: values.role, studies: studyIds(values.study) });
    out(`Created token "${token.name}" (${token.role}, ${token.studies ? `studies ${token.studies.join(', ')}` : 'all studies'}). Copy it now: it is shown only once.`);
    out(secret);
    return;
  }
  if (sub === 'list') {
    const rows = await store.tokens.list();
    if (rows.length === 0) return out('No tokens. Create one with: seglab token create --name NAME --role viewer|editor|owner');
    for (const t of rows) {
      out(`${t.name}\t${t.role}\t${t.studies ? `studies ${t.studies.join(',')}` : 'all studies'}\tcreated ${t.created_at}\t${t.last_used_at ? `last used ${t.last_used_at}` : 'never used'}${t.revoked_at ? `\tREVOKED ${t.revoked_at}` : ''}`);
    }
    return;
  }
  if (sub === 'revoke') {
    await revokeToken(store, values.name);
    out(`Revoked token "${values.name}".`);
    return;
  }
  throw new UserError(`Unknown token command "${sub ?? ''}": use token create, token list or token revoke.`);
}

async function auditCommand(store: Store, values: { study?: string[] | undefined; since?: string | undefined }, out: Out): Promise<void> {
  const study = studyIds(values.study);
  if (study && study.length > 1) throw new UserError('audit takes one --study ID.');
  let since: string | undefined;
  if (values.since !== undefined) {
    const at = new Date(values.since);
    if (Number.isNaN(at.getTime())) throw new UserError(`--since ${values.since} is not a date (use e.g. 2026-11-30 or 2026-11-30T14:00:00Z).`);
    since = at.toISOString();
  }
  const entries = await store.audit.list({ studyId: study?.[0], since });
  if (entries.length === 0) return out('No changes recorded for that selection.');
  for (const e of entries) out(`${e.at}\t${e.actor} (${e.actor_kind}, ${e.role})\t${e.tool}\t${e.study_id === null ? '-' : `study ${e.study_id}`}\t${e.arguments}`);
}

async function backupCommand(sqlite: SqliteStore, dbPath: string, target: string | undefined, out: Out): Promise<void> {
  if (!target) throw new UserError('backup needs a FILE to write, e.g. seglab backup /backups/seglab-2026-11-30.db');
  if (dbPath === ':memory:') throw new UserError('--db :memory: keeps nothing to back up.');
  const path = resolve(target);
  let exists = true;
  try {
    lstatSync(path); // lstat: a link planted at the target counts as existing, and is never followed
  } catch {
    exists = false;
  }
  if (exists) throw new UserError(`${target} already exists; backups never overwrite a file. Pick a new name.`);
  const { totalPages } = await sqlite.db.backup(path);
  chmodSync(path, 0o600);
  out(`Backed up ${dbPath} to ${path} (${totalPages} pages), consistent while the server keeps running.`);
}

export async function runAdminCommand(argv: string[], defaultDb: () => string, out: Out = (line) => void process.stdout.write(`${line}\n`)): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      study: { type: 'string', multiple: true },
      since: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void process.stderr.write(`${ADMIN_USAGE}\n`);
  const [command, sub] = positionals;
  const dbPath = values.db ?? defaultDb();
  if (command === 'backup') {
    if (isPostgresUrl(dbPath)) throw new UserError('backup copies a SQLite file; back a PostgreSQL database up with its own tools (pg_dump, or base backups with WAL archiving for point-in-time recovery).');
    const sqlite = SqliteStore.open(dbPath);
    try {
      return await backupCommand(sqlite, dbPath, sub, out);
    } finally {
      sqlite.close();
    }
  }
  const store = await connectStore(dbPath);
  try {
    if (command === 'token') return await tokenCommand(store, sub, values, out);
    if (command === 'audit') return await auditCommand(store, values, out);
  } finally {
    await store.close();
  }
}
