/** summarizeQuestions against SciPy's figures for the sample study and hand counts for the tiny one. */
import { afterAll, describe, expect, it } from 'vitest';
import { summarizeQuestions } from '../../src/app/summaries.js';
import { sampleReference as ref } from '../helpers/fixtures.js';
import { seedSampleStore, seedTinyStore, testStore } from '../helpers/stores.js';

const store = await testStore();
const sample = await seedSampleStore(store);
const tiny = await seedTinyStore(store);
afterAll(() => store.close());

const question = (r: Awaited<ReturnType<typeof summarizeQuestions>>, key: string) => r.questions.find((q: any) => q.key === key) as any;

describe('summarizeQuestions', () => {
  it('a 1–10 scale and a yes/no question over completed interviews match NumPy and SciPy', async () => {
    const r = await summarizeQuestions(store, { studyId: sample, includePartial: false });
    expect(r.population).toMatchObject({ statuses: ['completed'], participants: ref.completed, n: ref.completed, scope: 'interviews' });
    const scale = question(r, 'core_value_importance');
    const s = ref.core_value_importance;
    expect(scale.n).toBe(s.n);
    expect(scale.mean).toBeCloseTo(s.mean, 3);
    expect(scale.median).toBe(s.median);
    expect(scale.sd).toBeCloseTo(s.sd, 3);
    expect(scale.top2_box).toBeCloseTo(s.top2_box, 3);
    expect(scale.bottom2_box).toBeCloseTo(s.bottom2_box, 3);
    const team = question(r, 'team_usage');
    expect(team).toMatchObject({ n: ref.team_usage.n, yes_count: ref.team_usage.yes_count });
    expect(team.yes_share_ci95.low).toBeCloseTo(ref.team_usage.ci_low, 3);
    expect(team.yes_share_ci95.high).toBeCloseTo(ref.team_usage.ci_high, 3);
    expect(r.warnings).toEqual([]);
  });

  it('groups by tag warn about groups under five, and a study without interviews says so', async () => {
    const r = await summarizeQuestions(store, { studyId: tiny, questions: ['importance'], by: 'tag', includePartial: false });
    expect(r.by!.groups).toEqual([{ group: 'churned', participants: 2 }, { group: 'expanded', participants: 1 }, { group: 'new', participants: 1 }]);
    expect(r.warnings).toEqual(['Groups with fewer than 5 participants (read their numbers as anecdotes): churned, expanded, new.']);
    const empty = await testStore();
    const { study_id } = { study_id: (await empty.studies.create({ name: 'Empty', mode: 'hybrid', probing_depth: 2 })).id };
    expect((await summarizeQuestions(empty, { studyId: study_id, includePartial: true })).warnings).toEqual(['No completed or partial interviews yet.']);
    await empty.close();
  });
});
