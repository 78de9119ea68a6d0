/** Pure pieces of the team server: roles, audit summaries, erasure scrubbing, JSON nesting. */
import { describe, expect, it } from 'vitest';
import { atLeast, neededRole, roleFromScopes } from '../../src/domain/access.js';
import { summarizeArguments } from '../../src/domain/audit-summary.js';
import { ERASED, personMarks, scrub } from '../../src/domain/scrub.js';
import { nestsDeeperThan } from '../../src/transport/body.js';

describe('roles', () => {
  it('takes the highest role the scopes grant, and none for foreign scopes', () => {
    expect(roleFromScopes(['openid', 'seglab:read'])).toBe('viewer');
    expect(roleFromScopes(['seglab:admin', 'seglab:read'])).toBe('owner');
    expect(roleFromScopes(['seglab:write', 'seglab:read'])).toBe('editor');
    expect(roleFromScopes(['openid', 'profile', 'seglab:readx'])).toBeNull();
  });
  it('orders roles and derives what a tool needs from its annotations', () => {
    expect(atLeast('owner', 'editor')).toBe(true);
    expect(atLeast('viewer', 'editor')).toBe(false);
    expect(neededRole({ annotations: { readOnlyHint: true } })).toBe('viewer');
    expect(neededRole({ annotations: { readOnlyHint: false } })).toBe('editor');
    expect(neededRole({ role: 'owner', annotations: { readOnlyHint: false } })).toBe('owner');
  });
});

describe('summarizeArguments', () => {
  it('keeps settings and ids, replaces bulk text by its length and long lists by a count', () => {
    const text = summarizeArguments({ study_id: 3, csv: 'id,email\n'.repeat(1000), dry_run: true, participant_id: 'c42', quotes: [{ text: 'a' }, { text: 'b' }, { text: 'c' }, { text: 'd' }, { text: 'e' }] });
    expect(JSON.parse(text)).toEqual({ study_id: 3, csv: '[9000 characters]', dry_run: true, participant_id: 'c42', quotes: [{ text: 'a' }, { text: 'b' }, { text: 'c' }, '… 2 more'] });
  });
  it('stays short whatever it is given', () => {
    const wide = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`key_${i}`, `value ${i}`]));
    expect(summarizeArguments(wide).length).toBeLessThan(700);
    expect(JSON.parse(summarizeArguments(wide))).toHaveProperty('summary');
  });
});

describe('scrub', () => {
  const marks = personMarks(['c7', 'ana.ruiz@acme.example', 'Ana Ruiz'], ['I would pay double for the export', 'ok']);
  it('drops list entries that are the person and replaces texts that name or quote them', () => {
    const { value, changed } = scrub(
      {
        representatives: [{ participant_id: 'c7', distance: 0.1 }, { participant_id: 'c70', distance: 0.2 }],
        excluded: ['c7', 'c8'],
        quotes: [{ participant_id: 'c9', text: 'As Ana Ruiz said, I would pay double for the export.' }],
        persona: 'Contact ANA.RUIZ@acme.example first',
        note: 'c7 is short: only matched whole, so "c70" stays',
        n: 7,
      },
      marks,
    );
    expect(changed).toBe(true);
    expect(value).toEqual({
      representatives: [{ participant_id: 'c70', distance: 0.2 }],
      excluded: ['c8'],
      quotes: [{ participant_id: 'c9', text: ERASED }],
      persona: ERASED,
      note: 'c7 is short: only matched whole, so "c70" stays',
      n: 7,
    });
  });
  it('leaves other people alone and says so', () => {
    expect(scrub({ quotes: [{ participant_id: 'c1', text: 'ok then' }] }, marks)).toEqual({ value: { quotes: [{ participant_id: 'c1', text: 'ok then' }] }, changed: false });
  });
});

describe('nestsDeeperThan', () => {
  it('counts brackets outside strings only', () => {
    expect(nestsDeeperThan(Buffer.from('[[[1]]]'), 3)).toBe(false);
    expect(nestsDeeperThan(Buffer.from('[[[[1]]]]'), 3)).toBe(true);
    expect(nestsDeeperThan(Buffer.from('{"a":"[[[[[[\\"[[[["}'), 3)).toBe(false);
    expect(nestsDeeperThan(Buffer.from(`${'{"a":'.repeat(65)}1${'}'.repeat(65)}`), 64)).toBe(true);
  });
});
