/** manage_tokens through the MCP client (over HTTP it is an owner's tool: test/team/tokens.test.ts). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeEach(async () => { h = await connect(); });
afterEach(async () => h.close());

describe('manage_tokens', () => {
  it('creates a token whose secret is shown once and stored only as a hash, lists and revokes it', async () => {
    expect((await h.ok('manage_tokens', { action: 'list' })).tokens).toEqual([]);
    const { study_id } = await h.ok('create_study', { name: 'Scoped' });
    const made = await h.ok('manage_tokens', { action: 'create', name: 'nightly-agent', role: 'editor', studies: [study_id] });
    expect(made.secret).toMatch(/^seglab_[A-Za-z0-9_-]{43}$/);
    expect(made.tokens).toEqual([{ name: 'nightly-agent', role: 'editor', studies: [study_id], created_at: expect.any(String), last_used_at: null, revoked_at: null }]);
    expect(await h.store.tokens.verify(made.secret)).toMatchObject({ name: 'nightly-agent', role: 'editor' });
    const stored = await h.store.tableRows('api_tokens');
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(made.secret.slice(7));
    // The audit log records the call, never the secret.
    expect(JSON.stringify(await h.store.audit.list())).not.toContain(made.secret);

    const listed = await h.ok('manage_tokens', { action: 'list' });
    expect(listed).not.toHaveProperty('secret');
    const revoked = await h.ok('manage_tokens', { action: 'revoke', name: 'nightly-agent' });
    expect(revoked.tokens[0].revoked_at).toEqual(expect.any(String));
    expect(await h.store.tokens.verify(made.secret)).toBeUndefined();
  });

  it('says what is wrong: a missing role or name, an unknown study, a duplicate, nothing to revoke', async () => {
    expect(await h.fail('manage_tokens', { action: 'create', name: 'x' })).toMatch(/role: one of viewer, editor, owner/);
    expect(await h.fail('manage_tokens', { action: 'create', role: 'viewer' })).toMatch(/^name: /);
    expect(await h.fail('manage_tokens', { action: 'create', name: 'x', role: 'viewer', studies: [42] })).toMatch(/No study with id 42/);
    await h.ok('manage_tokens', { action: 'create', name: 'dup', role: 'viewer' });
    expect(await h.fail('manage_tokens', { action: 'create', name: 'dup', role: 'owner' })).toMatch(/A token named "dup" already exists/);
    expect(await h.fail('manage_tokens', { action: 'revoke', name: 'ghost' })).toMatch(/No active token named "ghost"/);
    expect(await h.fail('manage_tokens', { action: 'rotate' })).toMatch(/action/);
  });
});
