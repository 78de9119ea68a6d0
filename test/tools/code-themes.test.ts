/** code_themes through the MCP client. */
import { describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { useSampleStudy } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
useSampleStudy((s) => ({ h, study_id } = s));

describe('code_themes', () => {
  it('codes themes atomically, warns about quotes that are not the participant\'s words, and counts', async () => {
    const before = (await h.ok('get_study', { study_id })).themes.length;
    expect(await h.fail('code_themes', { study_id, codes: [{ participant_id: 'C1001', theme: 'x' }, { participant_id: 'NOPE', theme: 'y' }, { participant_id: 'C1002', theme: 'z', question: 'nope' }] })).toMatch(/codes\[1\].participant_id: no participant "NOPE"[\s\S]*codes\[2\].question: no question "nope"/);
    expect((await h.ok('get_study', { study_id })).themes.length).toBe(before);
    const r = await h.ok('code_themes', {
      study_id,
      codes: [
        { participant_id: 'C1001', theme: 'Import friction', question: 'value_realization', quote: 'I got stuck importing our tickets and gave up.' },
        { participant_id: 'C1006', theme: 'import_friction', quote: 'Words nobody said.' },
      ],
    });
    expect(r).toMatchObject({ added: 2, unchanged: 0, themes_created: ['import_friction'] });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/codes\[1\].*C1006/);
    expect(r.catalogue.find((t: any) => t.code === 'import_friction').participants).toBe(2);
    const again = await h.ok('code_themes', { study_id, codes: [{ participant_id: 'C1001', theme: 'import friction', question: 'value_realization', quote: 'I got stuck importing our tickets and gave up.' }] });
    expect(again).toMatchObject({ added: 0, unchanged: 1 });
    const found = await h.ok('query_participants', { study_id, where: [{ field: 'theme', op: 'eq', value: 'import_friction' }] });
    expect(found.total).toBe(2);
  });
});
