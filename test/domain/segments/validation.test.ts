/** The five criteria and the anti-patterns as verdicts, at and around each threshold. */
import { describe, expect, it } from 'vitest';
import { accessible, actionable, demographicName, demographicOnly, differentiable, measurable, playbookSimilarity, sampleBalance, segmentCount, substantial, worst } from '../../../src/domain/segments/validation.js';

describe('criteria', () => {
  it('measurable: the lower of precision and recall against 80% / 60%', () => {
    expect(measurable(0.9, 0.8, 'R').verdict).toBe('pass');
    expect(measurable(0.95, 0.79, 'R').verdict).toBe('warn');
    expect(measurable(0.59, 1, 'R')).toEqual({ verdict: 'fail', evidence: 'Typing rule R finds the segment with precision 59% and recall 100%.' });
  });

  it('substantial: 20 people and 10% to pass; under 5 people or 5% fails', () => {
    expect(substantial(20, 0.1).verdict).toBe('pass');
    expect(substantial(12, 0.25)).toEqual({ verdict: 'warn', evidence: '12 participants, 25% of those segmented (below ~20–30 participants: treat its profile as directional).' });
    expect(substantial(40, 0.08).evidence).toMatch(/below 10% of participants/);
    expect(substantial(4, 0.5).verdict).toBe('fail');
    expect(substantial(100, 0.04).verdict).toBe('fail');
  });

  it('accessible: share reachable against 90% / 60%', () => {
    expect(accessible(9, 10, ['email']).verdict).toBe('pass');
    expect(accessible(6, 10, ['email', 'phone'])).toEqual({ verdict: 'warn', evidence: '6 of 10 members (60%) reachable via email or phone.' });
    expect(accessible(0, 0, ['email']).verdict).toBe('fail');
  });

  it('differentiable: a dissolved or indistinct segment fails, a doubtful one warns', () => {
    expect(differentiable({ stability: { jaccard: 0.9, verdict: 'stable' }, indistinct: [], others: 3 })).toEqual({ verdict: 'pass', evidence: 'bootstrap Jaccard 0.9 (stable); differs significantly (q < 0.05) from every other segment.' });
    expect(differentiable({ stability: { jaccard: 0.65, verdict: 'doubtful' }, indistinct: [], others: 3 }).verdict).toBe('warn');
    expect(differentiable({ stability: { jaccard: 0.4, verdict: 'dissolved' }, indistinct: [], others: 3 }).verdict).toBe('fail');
    expect(differentiable({ stability: null, indistinct: ['2 "B"'], others: 3 }).evidence).toBe('no significant difference from 2 "B".');
  });

  it('actionable: a playbook for two or more teams that differs from the others passes', () => {
    expect(actionable(null, []).verdict).toBe('fail');
    expect(actionable({ product: 'Wizard' }, []).evidence).toBe('Playbook covers only product; add what the other teams do differently.');
    expect(actionable({ product: 'Setup wizard', sales: 'Sell the pilot' }, [{ label: '2', playbook: { product: 'Price page' } }]).verdict).toBe('pass');
    // Word sets {setup, wizard, for, all} and {setup, wizard, for, all, teams}: Jaccard 4/5 > 0.6.
    expect(playbookSimilarity('Setup wizard for all', 'setup wizard for all teams')).toBe(0.8);
    expect(actionable({ product: 'Setup wizard for all' }, [{ label: '2 "B"', playbook: { product: 'setup wizard for all teams' } }]).evidence).toMatch(/nearly the same as 2 "B"'s: .* merge them/);
  });

  it('worst of several verdicts', () => {
    expect([worst([]), worst(['pass', 'warn']), worst(['warn', 'fail', 'pass'])]).toEqual(['pass', 'warn', 'fail']);
  });
});

describe('anti-patterns', () => {
  it('demographics alone: only firmographic attributes, or category attributes', () => {
    const types = new Map([['industry', 'category'], ['company_size', 'category'], ['logins', 'number'], ['employees', 'number']]);
    expect(demographicOnly(['attr.industry', 'attr.employees'], types)).toBe(true);
    expect(demographicOnly(['attr.industry', 'attr.logins'], types)).toBe(false);
    expect(demographicOnly(['attr.industry', 'answer.why'], types)).toBe(false);
    expect(demographicOnly([], types)).toBe(false);
  });

  it('names that are demographic buckets', () => {
    expect(['Enterprise 50-200 employees', 'SMB', 'Women 25–34', 'EMEA mid-market'].map(demographicName)).toEqual([true, true, true, true]);
    expect(['The Pragmatist', 'Risk-averse buyers', 'Usage champions'].map(demographicName)).toEqual([false, false, false]);
  });

  it('only happy customers: at least 15% tagged churned, at-risk or alike', () => {
    expect(sampleBalance([{ tag: 'expanded', count: 10 }], 20).verdict).toBe('warn');
    expect(sampleBalance([{ tag: 'churned', count: 2 }, { tag: 'at-risk', count: 1 }], 20)).toEqual({ verdict: 'pass', evidence: 'churned 2, at-risk 1 (15% of 20).' });
    expect(sampleBalance([{ tag: 'Churned', count: 1 }], 20).evidence).toMatch(/few unhappy customers/);
  });

  it('segment count: more than 5 warns, more than 7 fails', () => {
    expect([5, 6, 8].map((k) => segmentCount(k).verdict)).toEqual(['pass', 'warn', 'fail']);
  });
});
