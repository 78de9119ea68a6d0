/**
 * API tokens: created once (the secret is shown to the caller and never stored), verified by
 * their SHA-256, revoked by name. A running server reads this table on every request, so a
 * revocation from another process takes effect on the next request.
 */
import { createHash, randomBytes } from 'node:crypto';
import { UserError } from '../errors.js';
import type { Role } from '../domain/access.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';
import { now } from './studies.js';

export interface TokenRow {
  id: number;
  name: string;
  role: Role;
  studies: number[] | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

type StoredRow = Omit<TokenRow, 'studies'> & { studies: string | null };

export const TOKEN_PREFIX = 'seglab_';
/** last_used_at is written at most this often per token: a write per request would contend with the tools' writes. */
export const TOUCH_EVERY_MS = 60_000;

export const hashToken = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');
const toRow = (r: StoredRow): TokenRow => ({ ...r, studies: r.studies === null ? null : (JSON.parse(r.studies) as number[]) });

export class TokenStore {
  private readonly touched = new Map<number, number>();

  constructor(private readonly db: Db) {}

  /** Creates a token; returns it with its secret (the only time the secret exists outside the caller). */
  create(name: string, role: Role, studies: number[] | null): { token: TokenRow; secret: string } {
    const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const at = now();
    try {
      const id = Number(
        prepared(this.db, 'INSERT INTO api_tokens (name, role, studies, token_hash, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(name, role, studies === null ? null : JSON.stringify(studies), hashToken(secret), at).lastInsertRowid,
      );
      return { token: this.get(id), secret };
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new UserError(`A token named "${name}" already exists; revoke it first or pick another name.`);
      }
      throw error;
    }
  }

  get(id: number): TokenRow {
    return toRow(prepared(this.db, 'SELECT id, name, role, studies, created_at, last_used_at, revoked_at FROM api_tokens WHERE id = ?').get(id) as StoredRow);
  }

  list(): TokenRow[] {
    return (prepared(this.db, 'SELECT id, name, role, studies, created_at, last_used_at, revoked_at FROM api_tokens ORDER BY revoked_at IS NOT NULL, name, id').all() as StoredRow[]).map(toRow);
  }

  /** Revokes the active token of that name; false when there is none. */
  revoke(name: string): boolean {
    return prepared(this.db, 'UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL').run(now(), name).changes > 0;
  }

  /** The active token with this secret, or undefined (unknown, malformed or revoked). */
  verify(secret: string): TokenRow | undefined {
    if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
    const row = prepared(this.db, 'SELECT id, name, role, studies, created_at, last_used_at, revoked_at FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL')
      .get(hashToken(secret)) as StoredRow | undefined;
    if (!row) return undefined;
    const at = Date.now();
    if (at - (this.touched.get(row.id) ?? 0) >= TOUCH_EVERY_MS) {
      this.touched.set(row.id, at);
      try {
        prepared(this.db, 'UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(new Date(at).toISOString(), row.id);
      } catch {
        // Busy with another writer: the timestamp is a convenience, never a reason to refuse.
      }
    }
    return toRow(row);
  }

  /** Whether the token is still active (sessions opened with it are closed once it is not). */
  isActive(id: number): boolean {
    return prepared(this.db, 'SELECT 1 FROM api_tokens WHERE id = ? AND revoked_at IS NULL').get(id) !== undefined;
  }
}
