/**
 * API tokens as a use case, shared by `seglab token` (CLI) and the owner's manage_tokens tool:
 * names and roles checked, studies checked to exist, the secret returned once.
 */
import { ROLES, type Role } from '../domain/access.js';
import { fitList, STRUCTURED_BUDGET } from '../domain/budget.js';
import { UserError } from '../errors.js';
import type { Store } from '../store/index.js';
import type { TokenRow } from '../store/tokens.js';

export async function createToken(store: Store, input: { name: string | undefined; role: string | undefined; studies: number[] | null }): Promise<{ token: TokenRow; secret: string }> {
  const name = input.name?.trim();
  if (!name) throw new UserError('name: who or what will use the token, e.g. "alice" or "nightly-agent".');
  if (name.length > 100) throw new UserError('name: at most 100 characters.');
  if (!ROLES.includes(input.role as Role)) throw new UserError(`role: one of ${ROLES.join(', ')} (got ${input.role === undefined ? 'none' : `"${input.role}"`}).`);
  for (const id of input.studies ?? []) await store.studies.get(id);
  return await store.tokens.create(name, input.role as Role, input.studies);
}

export async function revokeToken(store: Store, name: string | undefined): Promise<void> {
  if (!name) throw new UserError('name: the token to revoke (the list shows them).');
  if (!await store.tokens.revoke(name)) throw new UserError(`No active token named "${name}".`);
}

/** The tokens, as many as fit the output budget (a server can collect hundreds of revoked ones), and how many there are. */
export async function listTokens(store: Store) {
  const all = (await store.tokens.list()).map(({ id: _id, ...t }) => t);
  return { tokens: fitList(all, STRUCTURED_BUDGET - 1000).items, tokens_total: all.length };
}
