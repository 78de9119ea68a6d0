/** API tokens on PostgreSQL (the SQLite store, and why they work as they do: ../tokens.ts). */
import { randomBytes } from 'node:crypto';
import { UserError } from '../../errors.js';
import type { Role } from '../../domain/access.js';
import type { Async } from '../async-view.js';
import { now } from '../studies.js';
import { hashToken, TOKEN_PREFIX, TOUCH_EVERY_MS, type TokenRow, type TokenStore } from '../tokens.js';
import { first, isUniqueViolation, rows, type Sql } from './sql.js';

const COLUMNS = 'id, name, role, studies, created_at, last_used_at, revoked_at';

export class PgTokenStore implements Async<TokenStore> {
  private readonly touched = new Map<number, number>();

  constructor(private readonly sql: Sql) {}

  async create(name: string, role: Role, studies: number[] | null): Promise<{ token: TokenRow; secret: string }> {
    const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    try {
      const token = await first<TokenRow>(this.sql, `INSERT INTO api_tokens (name, role, studies, token_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`, [
        name,
        role,
        studies === null ? null : JSON.stringify(studies),
        hashToken(secret),
        now(),
      ]);
      return { token: token!, secret };
    } catch (error) {
      if (isUniqueViolation(error)) throw new UserError(`A token named "${name}" already exists; revoke it first or pick another name.`);
      throw error;
    }
  }

  async get(id: number): Promise<TokenRow> {
    return (await first<TokenRow>(this.sql, `SELECT ${COLUMNS} FROM api_tokens WHERE id = $1`, [id]))!;
  }

  list(): Promise<TokenRow[]> {
    return rows<TokenRow>(this.sql, `SELECT ${COLUMNS} FROM api_tokens ORDER BY revoked_at IS NOT NULL, name COLLATE "C", id`);
  }

  async revoke(name: string): Promise<boolean> {
    return ((await this.sql.query('UPDATE api_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL', [now(), name])).rowCount ?? 0) > 0;
  }

  async verify(secret: string): Promise<TokenRow | undefined> {
    if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
    const row = await first<TokenRow>(this.sql, `SELECT ${COLUMNS} FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, [hashToken(secret)]);
    if (!row) return undefined;
    const at = Date.now();
    if (at - (this.touched.get(row.id) ?? 0) >= TOUCH_EVERY_MS) {
      this.touched.set(row.id, at);
      // The timestamp is a convenience, never a reason to refuse: a failed write is ignored.
      await this.sql.query('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [new Date(at).toISOString(), row.id]).catch(() => undefined);
    }
    return row;
  }

  async isActive(id: number): Promise<boolean> {
    return (await first(this.sql, 'SELECT 1 FROM api_tokens WHERE id = $1 AND revoked_at IS NULL', [id])) !== undefined;
  }
}
