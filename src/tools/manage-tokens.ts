import * as z from 'zod';
import { createToken, listTokens, revokeToken } from '../app/tokens.js';
import { ROLES } from '../domain/access.js';
import { defineTool } from './define.js';

const tokenOut = z.object({
  name: z.string(),
  role: z.enum(ROLES),
  studies: z.array(z.number()).nullable().describe('Studies the token is limited to; null for all.'),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

export const manageTokensTool = defineTool({
  name: 'manage_tokens',
  title: 'Manage API tokens',
  description: `Lists, creates or revokes bearer tokens for HTTP access (--auth tokens): viewer, editor or owner, optionally limited to studies; a new secret is shown once.
Use this tool when you need to: give a teammate or an agent access, or cut off a leaked token.`,
  input: z.object({
    action: z.enum(['list', 'create', 'revoke']),
    name: z.string().min(1).max(100).optional().describe('Who or what uses the token (create, revoke), e.g. "alice".'),
    role: z.enum(ROLES).optional().describe('create: viewer, editor or owner.'),
    studies: z.array(z.number().int().positive()).max(100).optional().describe('create: limit the token to these studies (default: all).'),
  }),
  output: z.object({
    action: z.enum(['list', 'create', 'revoke']),
    tokens: z.array(tokenOut).describe('As many as fit; tokens_total counts them all.'),
    tokens_total: z.number(),
    secret: z.string().optional().describe('create: the new token, shown this once.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  role: 'owner',
  async run({ action, name, role, studies }, { store }) {
    let secret: string | undefined;
    if (action === 'create') secret = (await createToken(store, { name, role, studies: studies ?? null })).secret;
    if (action === 'revoke') await revokeToken(store, name);
    return { action, ...(await listTokens(store)), ...(secret ? { secret } : {}) };
  },
  render: (r) => {
    const lines = r.tokens.slice(0, 30).map((t) => `- ${t.name}: ${t.role}, ${t.studies ? `studies ${t.studies.join(', ')}` : 'all studies'}${t.revoked_at ? `, revoked ${t.revoked_at}` : t.last_used_at ? `, last used ${t.last_used_at}` : ', never used'}`);
    const head = r.action === 'create' ? `Created the token; it is shown only this once:\n${r.secret}\n` : r.action === 'revoke' ? 'Revoked.\n' : '';
    const more = r.tokens_total > lines.length ? `\n… ${r.tokens_total - lines.length} more${r.tokens.length > lines.length ? ' (in the structured result)' : ''}` : '';
    return `${head}${r.tokens_total} token(s):\n${lines.join('\n')}${more}`;
  },
});
