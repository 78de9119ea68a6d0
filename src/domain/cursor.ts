/**
 * Opaque pagination cursors: a keyset position (the last id of the page) under a name, so a
 * cursor from one list is not silently accepted by another.
 */
import { UserError } from '../errors.js';

export function encodeCursor(name: string, lastId: number): string {
  return Buffer.from(JSON.stringify({ [name]: lastId })).toString('base64url');
}

export function decodeCursor(text: string, name: string): number {
  try {
    const value = (JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Record<string, unknown>)[name];
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  } catch {
    // fall through to the error below
  }
  throw new UserError('The cursor is not valid: pass the next_cursor of the previous page unchanged, or omit it to start again.');
}

/**
 * A cursor that also carries figures computed on the first page (totals), so later pages do not
 * pay for them again: { [name]: lastId, ...carried }.
 */
export function encodeCursorWith(name: string, lastId: number, carried: Record<string, number>): string {
  return Buffer.from(JSON.stringify({ ...carried, [name]: lastId })).toString('base64url');
}

export function decodeCursorWith<K extends string>(text: string, name: string, keys: readonly K[]): { after: number; carried: Record<K, number> } {
  const after = decodeCursor(text, name);
  const state = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Record<string, unknown>;
  const carried = {} as Record<K, number>;
  for (const key of keys) {
    const value = state[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new UserError('The cursor is not valid: pass the next_cursor of the previous page unchanged, or omit it to start again.');
    carried[key] = value;
  }
  return { after, carried };
}
