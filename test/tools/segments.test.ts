/** The tools that read, name, compare, validate, prioritize, extend and track segmentations. */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../helpers/harness.js';
import { sampleArchetypes, useSampleStudy } from '../helpers/fixtures.js';

let h: Awaited<ReturnType<typeof connect>>;
let study_id: number;
let seg: number;
useSampleStudy((s) => ({ h, study_id } = s));

/** Segment number of each planted archetype in `seg` (every archetype is one segment there). */
const segmentOf: Record<string, number> = {};

beforeAll(async () => {
  seg = (await h.ok('cluster_participants', { study_id, k: 4 })).segmentation_id;
  for (const m of h.store.segmentations.members(seg)) segmentOf[sampleArchetypes[m.participant_id]!] = m.segment_id;
});

describe('get_segmentation and update_segment', () => {
  it('names segments, merges playbooks and warns about demographic names', async () => {
    const pragmatist = segmentOf['The Pragmatist']!;
    const named = await h.ok('update_segment', { segmentation_id: seg, segment_id: pragmatist, name: 'The Pragmatist', description: 'Buys for one job, watches price.', playbook: { product: 'A survey-only plan' } });
    expect(named).toMatchObject({ name: 'The Pragmatist', updated: ['name', 'description', 'playbook'], warnings: [] });
    const merged = await h.ok('update_segment', { segmentation_id: seg, segment_id: 'the pragmatist', playbook: { sales: 'Lead with price' } });
    expect(merged.playbook).toEqual({ product: 'A survey-only plan', sales: 'Lead with price' });
    const other = segmentOf['The Advocate']!;
    expect(await h.fail('update_segment', { segmentation_id: seg, segment_id: other, name: 'the pragmatist' })).toMatch(/already called "The Pragmatist"/);
    const demographic = await h.ok('update_segment', { segmentation_id: seg, segment_id: other, name: 'Enterprise 50-200 employees' });
    expect(demographic.warnings[0]).toMatch(/demographic/);
    await h.ok('update_segment', { segmentation_id: seg, segment_id: other, name: 'The Advocate' });
    expect(await h.fail('update_segment', { segmentation_id: seg, segment_id: 9 })).toMatch(/no segment 9.*segments: 1/);
    expect(await h.fail('update_segment', { segmentation_id: seg, segment_id: 1 })).toMatch(/Nothing to update/);
    expect(await h.fail('update_segment', { segmentation_id: 999, segment_id: 1, name: 'X' })).toMatch(/No segmentation with id 999/);
  });

  it('returns profiles and persona cards whose every claim cites members of the segment', async () => {
    const r = await h.ok('get_segmentation', { segmentation_id: seg });
    expect(r.method).toBe('kmeans');
    expect(r.segments).toHaveLength(4);
    const members = new Map(h.store.segmentations.members(seg).map((m) => [m.participant_id, m.segment_id]));
    for (const s of r.segments) {
      const p = s.persona;
      const claims = [p.role, ...p.context, ...p.goals, ...p.frustrations, ...p.behaviours].filter(Boolean);
      expect(claims.length).toBeGreaterThan(3);
      for (const c of claims) {
        expect(c.participant_ids.length, c.text).toBeGreaterThan(0);
        for (const id of c.participant_ids) expect(members.get(id), `${c.text} cites ${id}`).toBe(s.segment_id);
      }
      expect(members.get(p.quote.participant_id)).toBe(s.segment_id);
      expect(s.profile.find((f: any) => f.field === 'answer.core_value_importance').measure).toBe('mean');
    }
    const struggler = r.segments.find((s: any) => s.segment_id === segmentOf['The Struggler']);
    expect(struggler.persona.frustrations.map((c: any) => c.text).join(' ')).toMatch(/needs guidance|onboarding friction/);
    expect(struggler.persona.context.map((c: any) => c.text).join(' ')).toMatch(/tagged churned/);
    const pragmatist = r.segments.find((s: any) => s.name === 'The Pragmatist');
    expect(pragmatist.persona.name).toBe('The Pragmatist');
    expect(pragmatist.playbook.sales).toBe('Lead with price');
    expect(pragmatist.profile.find((f: any) => f.field === 'answer.buying_factors').values[0]).toMatchObject({ option: 'Price' });
  });

  it('pages through members and focuses on one segment by name', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await h.ok('get_segmentation', { segmentation_id: seg, limit: 20, ...(cursor ? { cursor } : {}) });
      expect(page.members.total).toBe(48);
      seen.push(...page.members.participants.map((m: any) => m.participant_id));
      cursor = page.members.next_cursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(48);
    const one = await h.ok('get_segmentation', { segmentation_id: seg, segment_id: 'The Pragmatist', limit: 50 });
    expect(one.segments).toHaveLength(1);
    expect(one.members.total).toBe(12);
    expect(one.members.participants.every((m: any) => sampleArchetypes[m.participant_id] === 'The Pragmatist')).toBe(true);
  });
});

describe('compare_segments', () => {
  it('contrasts a segment with the rest: features, themes, words and quotes', async () => {
    const r = await h.ok('compare_segments', { segmentation_id: seg, a: 'The Pragmatist' });
    expect(r.a.size).toBe(12);
    expect(r.b).toMatchObject({ label: 'the rest', size: 36 });
    expect(r.significant).toBeGreaterThan(3);
    const price = r.features.find((f: any) => f.column === 'answer.buying_factors:Price');
    expect(price).toMatchObject({ measure: 'rank_points', test: 'welch_t', significant: true });
    expect(price.a).toBeGreaterThan(price.b);
    expect(price.effect_size).toBeGreaterThan(0.8);
    expect(r.themes.find((t: any) => t.option === 'price_sensitivity')).toMatchObject({ a: 1, significant: true });
    expect(r.a.words.map((w: any) => w.word)).toEqual(expect.arrayContaining(['cheaper']));
    expect(r.a.quotes.every((q: any) => sampleArchetypes[q.participant_id] === 'The Pragmatist')).toBe(true);
    expect(r.b.quotes.every((q: any) => sampleArchetypes[q.participant_id] !== 'The Pragmatist')).toBe(true);
  });

  it('compares two segments and refuses the same one twice', async () => {
    const r = await h.ok('compare_segments', { segmentation_id: seg, a: segmentOf['The Evaluator'], b: segmentOf['The Advocate'] });
    const evaluation = r.features.find((f: any) => f.column === 'attr.evaluation_days');
    expect(evaluation.significant).toBe(true);
    expect(evaluation.a).toBeGreaterThan(evaluation.b);
    expect(evaluation.description).toMatch(/in segment \d+ vs .* in The Advocate/);
    expect(await h.fail('compare_segments', { segmentation_id: seg, a: 1, b: 1 })).toMatch(/same segment/);
  });
});

describe('validate_segmentation', () => {
  it('checks the five criteria with a typing tool and the anti-patterns', async () => {
    const r = await h.ok('validate_segmentation', { segmentation_id: seg });
    expect(r.typing_tool.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.typing_tool.cross_validated_accuracy).toBeGreaterThanOrEqual(0.75);
    expect(new Set(r.typing_tool.rules.map((x: any) => x.segment_id))).toEqual(new Set([1, 2, 3, 4]));
    for (const s of r.segments) {
      expect(s.criteria.measurable.verdict).toBe('pass');
      expect(s.criteria.substantial.verdict).toBe('warn'); // 12 people: below ~20–30
      expect(s.criteria.accessible.verdict).toBe('pass'); // every sample participant has an email
      expect(s.criteria.differentiable.verdict).toBe('pass');
    }
    const pragmatist = r.segments.find((s: any) => s.name === 'The Pragmatist');
    expect(pragmatist.criteria.actionable.verdict).toBe('pass');
    const unnamed = r.segments.find((s: any) => s.name === null);
    expect(unnamed.criteria.actionable.verdict).toBe('fail');
    expect(r.overall.criteria.differentiable.evidence).toMatch(/silhouette/);
    expect(r.anti_patterns.find((a: any) => a.name === 'only_happy_customers').verdict).toBe('pass');
    expect(r.anti_patterns.find((a: any) => a.name === 'demographics_alone').verdict).toBe('pass');
    // The typing rules are query conditions: feeding them back reproduces the segment.
    const rule = r.typing_tool.rules.find((x: any) => x.segment_id === pragmatist.segment_id && x.purity === 1);
    const found = await h.ok('query_participants', { study_id, where: rule.conditions, limit: 50 });
    expect(found.participants.every((p: any) => sampleArchetypes[p.participant_id] === 'The Pragmatist')).toBe(true);
  });

  it('flags segments built on demographics alone, and identical playbooks', async () => {
    const demographic = await h.ok('cluster_participants', { study_id, k: 2, features: ['attr.industry', 'attr.company_size'], bootstraps: 5 });
    await h.ok('update_segment', { segmentation_id: demographic.segmentation_id, segment_id: 1, playbook: { product: 'Same onboarding for all', marketing: 'Same newsletter' } });
    await h.ok('update_segment', { segmentation_id: demographic.segmentation_id, segment_id: 2, playbook: { product: 'Same onboarding for all', marketing: 'Same newsletter' } });
    const r = await h.ok('validate_segmentation', { segmentation_id: demographic.segmentation_id });
    expect(r.anti_patterns.find((a: any) => a.name === 'demographics_alone')).toMatchObject({ verdict: 'fail' });
    expect(r.segments[0].criteria.actionable).toMatchObject({ verdict: 'warn' });
    expect(r.segments[0].criteria.actionable.evidence).toMatch(/merge them/);
    expect(r.overall.verdict).toBe('fail');
  });
});

describe('segment_by_rules', () => {
  const rules = [
    { name: 'High intent', where: [{ field: 'attr.pricing_page_visits_7d', op: 'gte', value: 3 }] },
    { name: 'Power users', where: [{ field: 'attr.logins_30d', op: 'gte', value: 60 }] },
  ];
  it('first match, overlapping, and a rest segment', async () => {
    const visits = (await h.ok('query_participants', { study_id, where: rules[0]!.where, limit: 1 })).total;
    const power = (await h.ok('query_participants', { study_id, where: rules[1]!.where, limit: 1 })).total;
    const both = (await h.ok('query_participants', { study_id, where: [...rules[0]!.where, ...rules[1]!.where], limit: 1 })).total;
    const first = await h.ok('segment_by_rules', { study_id, segments: rules });
    expect(first.segments.map((s: any) => s.size)).toEqual([visits, power - both]);
    expect(first.unassigned.count).toBe(48 - visits - power + both);
    expect(first.segments[0].definition).toBe('attr.pricing_page_visits_7d ≥ 3');
    const overlapping = await h.ok('segment_by_rules', { study_id, segments: rules, mode: 'overlapping', rest_name: 'Everyone else' });
    expect(overlapping.segments.map((s: any) => s.size)).toEqual([visits, power, 48 - visits - power + both]);
    expect(overlapping.unassigned.count).toBe(0);
    const got = await h.ok('get_segmentation', { segmentation_id: overlapping.segmentation_id, segment_id: 'Everyone else' });
    expect(got.overlapping).toBe(true);
    expect(got.segments[0].definition).toBe('everyone else');
  });

  it('scores RFM in quintiles and names the usual segments', async () => {
    const r = await h.ok('segment_by_rules', { study_id, rfm: { recency: 'attr.tenure_months', frequency: 'logins_30d', monetary: 'mrr' } });
    expect(r.method).toBe('rfm');
    expect(r.segmented).toBe(48);
    const names = r.segments.map((s: any) => s.name);
    expect(names).toContain("Can't Lose Them");
    const all = ['Champions', 'Loyal Customers', 'Potential Loyalists', 'New Customers', 'Promising', 'Need Attention', 'About to Sleep', 'At Risk', "Can't Lose Them", 'Hibernating'];
    expect(names).toEqual(all.filter((n) => names.includes(n))); // in the map's order
    const members = h.store.segmentations.members(r.segmentation_id);
    const code = members[0]!.detail as { r: number; f: number; m: number; code: string };
    expect(code.code).toBe(`${code.r}${code.f}${code.m}`);
    expect(await h.fail('segment_by_rules', { study_id, rfm: { recency: 'industry', frequency: 'logins_30d', monetary: 'mrr' } })).toMatch(/rfm.recency: "industry" is a category attribute/);
  });

  it('names the rule that is wrong', async () => {
    expect(await h.fail('segment_by_rules', { study_id, segments: [rules[0], { name: 'Bad', where: [{ field: 'attr.nope', op: 'eq', value: 1 }] }] })).toMatch(/segments\[1\] "Bad": Unknown attribute "nope"/);
    expect(await h.fail('segment_by_rules', { study_id, segments: [rules[0], { ...rules[1], name: 'high intent' }] })).toMatch(/used twice/);
    expect(await h.fail('segment_by_rules', { study_id })).toMatch(/either segments .* or rfm/);
  });
});

describe('query_participants: the segment field', () => {
  it('selects members by segment name or number in the latest or a given segmentation', async () => {
    const byName = await h.ok('query_participants', { study_id, segmentation_id: seg, where: [{ field: 'segment', op: 'eq', value: 'The Pragmatist' }], limit: 50 });
    expect(byName.total).toBe(12);
    expect(byName.participants[0].values.segment).toBe('The Pragmatist');
    const byNumber = await h.ok('query_participants', { study_id, segmentation_id: seg, where: [{ field: 'segment', op: 'in', value: [segmentOf['The Pragmatist'], segmentOf['The Advocate']] }], limit: 1 });
    expect(byNumber.total).toBe(24);
    const not = await h.ok('query_participants', { study_id, segmentation_id: seg, where: [{ field: 'segment', op: 'neq', value: 'The Pragmatist' }], limit: 1 });
    expect(not.total).toBe(36);
    expect(await h.fail('query_participants', { study_id, segmentation_id: 12345, where: [{ field: 'segment', op: 'eq', value: 1 }] })).toMatch(/no segmentation 12345/);
    const fresh = await h.ok('create_study', { name: 'No segments yet' });
    expect(await h.fail('query_participants', { study_id: fresh.study_id, where: [{ field: 'segment', op: 'eq', value: 1 }] })).toMatch(/needs a segmentation/);
  });

  it('shows segments in get_study and get_participant', async () => {
    const study = await h.ok('get_study', { study_id });
    expect(study.segmentations.some((s: any) => s.segmentation_id === seg && s.method === 'kmeans' && s.k === 4)).toBe(true);
    const p = await h.ok('get_participant', { study_id, participant_id: 'C1023' });
    expect(p.segments.find((s: any) => s.segmentation_id === seg)).toMatchObject({ name: 'The Pragmatist' });
  });
});

describe('prioritize_segments', () => {
  it('derives size and revenue from data, takes given scores, and picks a beachhead', async () => {
    const r = await h.ok('prioritize_segments', {
      segmentation_id: seg,
      derive: { revenue_potential: 'attr.mrr', acquisition_ease: '-attr.evaluation_days' },
      scores: [
        { segment: 'The Advocate', fit: 9, strategic_value: 8 },
        { segment: 'The Pragmatist', fit: 6, strategic_value: 4 },
        { segment: segmentOf['The Evaluator'], fit: 7, strategic_value: 7 },
        { segment: segmentOf['The Struggler'], fit: 3, strategic_value: 3 },
      ],
    });
    expect(r.weights).toEqual({ market_size: 0.25, revenue_potential: 0.25, fit: 0.2, acquisition_ease: 0.15, strategic_value: 0.15 });
    const advocate = r.ranking.find((x: any) => x.name === 'The Advocate');
    expect(advocate.scores.revenue_potential.score).toBe(10); // highest total MRR
    expect(advocate.scores.market_size.score).toBe(5.5); // equal sizes
    const evaluator = r.ranking.find((x: any) => x.segment_id === segmentOf['The Evaluator']);
    expect(evaluator.scores.acquisition_ease.score).toBe(1); // longest evaluations
    // Weighted total by hand: 0.25·5.5 + 0.25·10 + 0.2·9 + 0.15·ease + 0.15·8.
    expect(advocate.total).toBeCloseTo(0.25 * 5.5 + 0.25 * 10 + 0.2 * 9 + 0.15 * advocate.scores.acquisition_ease.score + 0.15 * 8, 2);
    expect(r.beachhead.name).toBe('The Advocate');
    expect(r.missing).toEqual([]);
    expect(h.store.segmentations.get(seg).prioritization).toMatchObject({ beachhead: { name: 'The Advocate' } });
  });

  it('reads percentage weights and reports unscored factors', async () => {
    const r = await h.ok('prioritize_segments', { segmentation_id: seg, weights: { market_size: 50, revenue_potential: 50, fit: 0, acquisition_ease: 0, strategic_value: 0 } });
    expect(r.weights.market_size).toBe(0.5);
    expect(r.missing).toEqual(['revenue_potential', 'fit', 'acquisition_ease', 'strategic_value']);
    expect(r.beachhead.reason).toMatch(/give scores/);
    expect(await h.fail('prioritize_segments', { segmentation_id: seg, derive: { fit: 'attr.industry' } })).toMatch(/must be a number attribute/);
    expect(await h.fail('prioritize_segments', { segmentation_id: seg, weights: { size: 3 } })).toMatch(/unknown factor "size"; factors: market_size, revenue_potential, fit/);
    expect(await h.fail('prioritize_segments', { segmentation_id: seg, scores: [{ segment: 1, price: 3 }] })).toMatch(/unknown key "price"; give segment and any of market_size/);
  });
});

describe('assign_participants and segment_migration', () => {
  it('places new customers at the nearest stored centre', async () => {
    const csv = readFileSync(new URL('../../data/sample-study/participants.csv', import.meta.url), 'utf8').split('\n');
    const header = csv[0]!;
    const copy = (id: string, as: string) => csv.find((l) => l.startsWith(`${id},`))!.replace(`${id},`, `${as},`).replace(/,[^,]*@/, `,${as.toLowerCase()}@`);
    await h.ok('import_participants', { study_id, csv: [header, copy('C1007', 'N1'), copy('C1023', 'N2'), 'N3,,,,,,,,,,,,,,'].join('\n') });
    await h.ok('record_interview', { study_id, participant_id: 'N2', answers: [{ question: 'core_value_importance', value: 5 }, { question: 'primary_use_case', value: 'Survey analysis' }, { question: 'buying_factors', value: ['Price', 'Features', 'Speed', 'Trust', 'Support'] }, { question: 'team_usage', value: 'no' }] });
    const r = await h.ok('assign_participants', { segmentation_id: seg });
    expect(r.scored).toBe(3);
    const placed = new Map(r.participants.map((p: any) => [p.participant_id, p.segment_ids[0]]));
    expect(placed.get('N1')).toBe(segmentOf['The Advocate']); // CRM data only: 4 of 10 features missing, imputed
    expect(placed.get('N2')).toBe(segmentOf['The Pragmatist']);
    expect(r.unassigned).toEqual([{ participant_id: 'N3', reason: expect.stringMatching(/missing 10 of 10 features/) }]);
    const again = await h.ok('assign_participants', { segmentation_id: seg });
    expect(again.scored).toBe(1); // only N3 is still outside
    const rescored = await h.ok('assign_participants', { segmentation_id: seg, participant_ids: ['C1023', 'N2'] });
    expect(rescored.changed).toBe(0);
    expect((await h.ok('get_segmentation', { segmentation_id: seg, segment_id: 'The Pragmatist', limit: 50 })).members.participants.find((m: any) => m.participant_id === 'N2').assigned_by).toBe('assign');
    expect(await h.fail('assign_participants', { segmentation_id: seg, participant_ids: ['ZZZ'] })).toMatch(/not in study/);
  });

  it('tracks migration between a re-run and the original: matched by name, then by centre', async () => {
    const rerun = await h.ok('cluster_participants', { study_id, k: 4, seed: 7, bootstraps: 5 });
    await h.ok('update_segment', { segmentation_id: rerun.segmentation_id, segment_id: segmentOfIn(rerun.segmentation_id, 'C1023'), name: 'The Pragmatist' });
    const r = await h.ok('segment_migration', { from_segmentation_id: seg, to_segmentation_id: rerun.segmentation_id });
    expect(r.matches.filter((m: any) => m.by === 'name')).toHaveLength(1);
    expect(r.matches.filter((m: any) => m.by === 'centre')).toHaveLength(3);
    // seg holds the 48 plus N1 and N2 (assigned above); the re-run clusters the same 50 (N3 has no data).
    // Same people, same structure, another seed: everyone stays in the matching segment.
    expect({ stayed: r.stayed, moved: r.moved, new: r.new, gone: r.gone }).toEqual({ stayed: 50, moved: 0, new: 0, gone: 0 });
    for (const row of r.matrix.shares) {
      const total = row.reduce((s: number, x: number) => s + x, 0);
      if (total > 0) expect(total).toBeCloseTo(1, 2);
    }
    expect(r.matrix.columns[r.matrix.columns.length - 1]).toBe('gone');
  });

  it('matches a rules segmentation by member overlap and lists the flows', async () => {
    const rules = await h.ok('segment_by_rules', { study_id, segments: [{ name: 'Price first', where: [{ field: 'answer.buying_factors', op: 'eq', value: 'Price' }] }], rest_name: 'Others' });
    const r = await h.ok('segment_migration', { from_segmentation_id: seg, to_segmentation_id: rules.segmentation_id });
    expect(r.matches.every((m: any) => m.by === 'overlap')).toBe(true);
    expect(r.matches.find((m: any) => m.to_name === 'Price first').from_name).toBe('The Pragmatist');
    expect(r.flows.length).toBeGreaterThan(0);
    expect(r.flows[0].count).toBeGreaterThanOrEqual(r.flows[r.flows.length - 1].count);
    expect(await h.fail('segment_migration', { from_segmentation_id: seg, to_segmentation_id: seg })).toMatch(/same segmentation/);
  });
});

function segmentOfIn(segmentationId: number, participant: string): number {
  return h.store.segmentations.members(segmentationId).find((m) => m.participant_id === participant)!.segment_id;
}
