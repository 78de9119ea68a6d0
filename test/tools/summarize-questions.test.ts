import { describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { useTinyStudy } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
useTinyStudy((tiny) => ({ h, study_id } = tiny));

const byKey = (r: any) => Object.fromEntries(r.questions.map((q: any) => [q.key, q]));

describe('summarize_questions', () => {
  it('summarizes each type over completed interviews', async () => {
    const r = await h.ok('summarize_questions', { study_id });
    expect(r.population).toMatchObject({ statuses: ['completed'], participants: 4, n: 4, include_partial: false });
    const q = byKey(r);
    // numpy: x = [5,4,2,3]; mean 3.5, median 3.5, std(ddof=1) 1.2909944487358056
    expect(q.importance).toMatchObject({ n: 4, mean: 3.5, median: 3.5, sd: expect.closeTo(1.2909944487358056, 12), min: 2, max: 5, top2_box: 0.5, bottom2_box: 0.25 });
    expect(q.importance.distribution).toEqual([
      { value: 2, count: 1, share: 0.25 }, { value: 3, count: 1, share: 0.25 }, { value: 4, count: 1, share: 0.25 }, { value: 5, count: 1, share: 0.25 },
    ]);
    expect(q.importance.nps).toBeUndefined();
    // 10 and 9 promote, 7 is passive, 3 detracts: (2 − 1) / 4 = 25
    expect(q.nps.nps).toEqual({ score: 25, promoters: 0.5, passives: 0.25, detractors: 0.25 });
    expect(q.use_case.options).toEqual([
      { option: 'Alpha', count: 2, share: 0.5 }, { option: 'Beta', count: 1, share: 0.25 }, { option: 'Gamma', count: 1, share: 0.25 },
    ]);
    expect(q.tools).toMatchObject({ n: 4, mean_selections: 1.5 });
    expect(q.tools.options).toEqual([
      { option: 'Slack', count: 3, share: 0.75 }, { option: 'Jira', count: 2, share: 0.5 }, { option: 'HubSpot', count: 1, share: 0.25 },
    ]);
    // Borda with m = 3: Price ranked 1,2,1 → 3+2+3 = 8; Speed 2,1,3 → 6; Trust 3,2,1 → 6.
    expect(q.factors.options).toEqual([
      { option: 'Price', mean_rank: 4 / 3, borda_score: 8, first_choice_share: 0.5, ranked_by: 3, positions: [2, 1, 0] },
      { option: 'Speed', mean_rank: 2, borda_score: 6, first_choice_share: 0.25, ranked_by: 3, positions: [1, 1, 1] },
      { option: 'Trust', mean_rank: 2, borda_score: 6, first_choice_share: 0.25, ranked_by: 3, positions: [1, 1, 1] },
    ]);
    // scipy 1.10: binomtest(2, 4).proportion_ci(method='wilson') = (0.15003898915, 0.84996101085)
    expect(q.team).toMatchObject({ n: 4, yes_count: 2, yes_share: 0.5, yes_share_ci95: { low: expect.closeTo(0.15003898915214953, 12), high: expect.closeTo(0.8499610108478505, 12) } });
    expect(q.why.n).toBe(4);
    expect(q.why.themes).toEqual([{ code: 'pricing', participants: 2 }, { code: 'churn_risk', participants: 1 }]);
    expect(q.why.top_terms.map((t: any) => t.term)).toContain('price');
  });

  it('gives the same overall figures when the groups split everyone (added up from the groups) as without groups', async () => {
    const plain = await h.ok('summarize_questions', { study_id });
    const byPlan = await h.ok('summarize_questions', { study_id, by: 'attr.plan' });
    // Every completed participant has exactly one plan: the groups partition the population.
    expect(byPlan.by.groups.reduce((s: number, g: any) => s + g.participants, 0)).toBe(plain.population.participants);
    const overall = byPlan.questions.map(({ groups, ...q }: any) => q);
    expect(overall).toEqual(plain.questions);
    // Overlapping groups (tags) keep the overall figures too.
    const byTag = await h.ok('summarize_questions', { study_id, by: 'tag' });
    expect(byTag.questions.map(({ groups, ...q }: any) => q)).toEqual(plain.questions);
  });

  it('counts partial interviews when asked', async () => {
    const r = await h.ok('summarize_questions', { study_id, questions: ['importance'], include_partial: true });
    // numpy: [5,4,2,3,1] → mean 3.0, median 3.0, std(ddof=1) 1.5811388300841898
    expect(r.questions).toHaveLength(1);
    expect(r.questions[0]).toMatchObject({ n: 5, mean: 3, median: 3, sd: expect.closeTo(1.5811388300841898, 12) });
  });

  it('splits by tag (overlapping groups), by attribute and by answer', async () => {
    const byTag = await h.ok('summarize_questions', { study_id, questions: ['importance', 'team'], by: 'tag' });
    expect(byTag.by).toMatchObject({ field: 'tag', overlapping: true, groups: [{ group: 'churned', participants: 2 }, { group: 'expanded', participants: 1 }, { group: 'new', participants: 1 }] });
    const importance = byTag.questions[0];
    expect(importance.mean).toBe(3.5); // the overall figure stays alongside the groups
    expect(importance.groups.find((g: any) => g.group === 'churned')).toMatchObject({ n: 2, mean: 3.5, median: 3.5 });
    expect(byTag.questions[1].groups.find((g: any) => g.group === 'churned')).toMatchObject({ n: 2, yes_count: 1, yes_share: 0.5 });
    expect(byTag.warnings[0]).toMatch(/fewer than 5 participants/);

    const byPlan = await h.ok('summarize_questions', { study_id, questions: ['use_case'], by: 'attr.plan' });
    expect(byPlan.by.groups).toEqual([{ group: 'pro', participants: 2 }, { group: 'free', participants: 1 }, { group: 'team', participants: 1 }]);
    expect(byPlan.questions[0].groups[0]).toMatchObject({ group: 'pro', n: 2, options: [{ option: 'Alpha', count: 2, share: 1 }, { option: 'Beta', count: 0, share: 0 }, { option: 'Gamma', count: 0, share: 0 }] });

    const byTeam = await h.ok('summarize_questions', { study_id, questions: ['importance'], by: 'answer.team' });
    expect(byTeam.questions[0].groups.map((g: any) => [g.group, g.mean])).toEqual([['no', 2.5], ['yes', 4.5]]);

    const byDotted = await h.ok('summarize_questions', { study_id, questions: ['importance'], by: 'attr.hubspot.stage' });
    expect(byDotted.by.groups.map((g: any) => g.group)).toEqual(['customer', 'lead']);
  });

  it('rejects unknown keys and ungroupable fields with the valid choices', async () => {
    expect(await h.fail('summarize_questions', { study_id, questions: ['nope'] })).toMatch(/Unknown question key "nope".*"why", "importance"/);
    expect(await h.fail('summarize_questions', { study_id, by: 'answer.why' })).toMatch(/cannot group by an open-ended question/);
    expect(await h.fail('summarize_questions', { study_id, by: 'attr.colour' })).toMatch(/Unknown attribute "colour".*"plan"/);
    expect(await h.fail('summarize_questions', { study_id: 99 })).toMatch(/No study with id 99/);
  });
});
