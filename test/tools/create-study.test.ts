import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeEach(async () => { h = await connect(); });
afterEach(async () => h.close());

describe('create_study', () => {
  it('creates a study with defaults and suggests next steps', async () => {
    const r = await h.ok('create_study', { name: '  Churn study ', participant_criteria: 'churned in the last 90 days' });
    expect(r).toMatchObject({ study_id: 1, name: 'Churn study', mode: 'hybrid', probing_depth: 2, decision: null, participant_criteria: 'churned in the last 90 days' });
    expect(r.next_steps[0]).toMatch(/Name the decision/);
    const r2 = await h.ok('create_study', { name: 'Expansion', decision: 'Which segment to upsell', mode: 'exploratory', probing_depth: 3 });
    expect(r2).toMatchObject({ study_id: 2, mode: 'exploratory', probing_depth: 3 });
    expect(r2.next_steps[0]).toMatch(/^add_questions \{study_id: 2\}/);
  });

  it('names the field and the allowed range on bad input', async () => {
    expect(await h.fail('create_study', { name: 'x', probing_depth: 5 })).toMatch(/probing_depth: Too big: expected number to be <=3/);
    expect(await h.fail('create_study', { name: 'x', mode: 'survey' })).toMatch(/mode: Invalid option: expected one of "exploratory"\|"hybrid"\|"structured"/);
    expect(await h.fail('create_study', { name: '   ' })).toMatch(/name/);
    expect(await h.fail('create_study', {})).toMatch(/name/);
  });
});
