/** Persona cards built from data only: every claim with the participants it rests on. */
import { describe, expect, it } from 'vitest';
import { CommonAnswers, personaCard, type Claim } from '../../../src/domain/segments/persona.js';
import type { FeatureComparison } from '../../../src/domain/segments/profile.js';
import { catalog, fact } from '../../helpers/facts.js';

const study = { ...catalog, attributes: [...catalog.attributes, { name: 'role', type: 'category' as const }], themes: ['pricing', 'fast_setup'] };
const members = [
  fact(1, {}, { role: 'admin', tier: 'gold', mrr: 150 }, ['pricing', 'fast_setup'], ['churned']),
  fact(2, {}, { role: 'admin', tier: 'gold', mrr: 90 }, ['pricing'], ['churned']),
  fact(3, {}, { role: 'admin', tier: 'gold', mrr: 300 }, ['pricing', 'fast_setup'], ['new']),
  fact(4, {}, { role: 'analyst', tier: 'silver', mrr: 120 }, []),
];
const rest = [fact(5, {}, { tier: 'silver' }, ['pricing']), fact(6, {}), fact(7, {}), fact(8, {})];
const higherMrr: FeatureComparison = { column: 'attr.mrr', field: 'attr.mrr', option: null, measure: 'mean', a: 165, b: 100, n_a: 4, n_b: 4, difference: 65, effect_size: 1.2, effect_measure: 'cohen_d', test: 'welch_t', p: 0.01, q: 0.02, significant: true, description: 'mrr: 165 in segment vs 100 elsewhere' };

/** The claims of answers read in this order, counting members' only. */
function commonAnswers(answers: { participant: number; text: string }[], memberId: (participant: number) => string | undefined): Claim[] {
  const common = new CommonAnswers();
  for (const a of answers) {
    const id = memberId(a.participant);
    if (id !== undefined) common.add(a.text, id);
  }
  return common.claims();
}

const card = personaCard({
  name: 'The Admin',
  narrative: null,
  members,
  rest,
  catalog: study,
  distinguishing: [higherMrr],
  evidence: [{ participant: 2, code: 'pricing', evidence: 'Too expensive for us' }],
  answers: commonAnswers(
    [
      { participant: 5, text: 'Not a member' },
      { participant: 4, text: 'Fewer clicks' },
      { participant: 1, text: 'Everything in one place' },
      { participant: 3, text: 'Everything in one place' },
      { participant: 2, text: 'Reports my boss reads' },
    ],
    (participant) => members.find((f) => f.id === participant)?.participant_id,
  ),
  quote: { text: 'Too expensive for us', participant_id: 'p2' },
});

describe('personaCard', () => {
  it('role and context: the most common values and tags among members, with who holds them', () => {
    expect(card.role).toEqual({ text: 'admin (3 of 4)', participant_ids: ['p1', 'p2', 'p3'] });
    expect(card.context).toEqual([
      { text: 'tier: gold (75%)', participant_ids: ['p1', 'p2', 'p3'] },
      { text: 'tagged churned (50%)', participant_ids: ['p1', 'p2'] }, // "new" (25%) is under 30%
    ]);
  });

  it('themes over-represented among members: pains are frustrations, the rest goals; outcome answers are goals', () => {
    // pricing: 75% of members vs 1 of 4 elsewhere; its evidence reads as a pain ("expens").
    expect(card.frustrations).toEqual([{ text: 'pricing (75% vs 25% elsewhere): "Too expensive for us"', participant_ids: ['p1', 'p2', 'p3'] }]);
    expect(card.goals).toEqual([
      { text: 'fast setup (50% vs 0% elsewhere)', participant_ids: ['p1', 'p3'] },
      { text: '"Everything in one place"', participant_ids: ['p1', 'p3'] }, // said by two members: one claim, first
      { text: '"Fewer clicks"', participant_ids: ['p4'] }, // of the answers given once, the first read; never a non-member's
    ]);
  });

  it('cites at most six members of a claim however many hold it, with the count over all of them', () => {
    const many = Array.from({ length: 40 }, (_, i) => fact(100 + i, {}, { role: 'admin', tier: i < 30 ? 'gold' : 'silver' }, i < 20 ? ['pricing'] : [], ['churned']));
    const big = personaCard({ name: 'Many', narrative: null, members: many, rest, catalog: study, distinguishing: [], evidence: [], answers: commonAnswers(many.map((f) => ({ participant: f.id, text: 'Same words' })), (p) => `p${p}`), quote: null });
    const six = ['p100', 'p101', 'p102', 'p103', 'p104', 'p105'];
    expect(big.role).toEqual({ text: 'admin (40 of 40)', participant_ids: six });
    expect(big.context).toEqual([
      { text: 'tier: gold (75%)', participant_ids: six },
      { text: 'tagged churned (100%)', participant_ids: six },
    ]);
    // pricing without evidence of a pain reads as an aim.
    expect(big.goals).toEqual([
      { text: 'pricing (50% vs 25% elsewhere)', participant_ids: six },
      { text: '"Same words"', participant_ids: six },
    ]);
  });

  it('behaviours cite the members on the segment\'s side of the rest\'s mean', () => {
    expect(card.behaviours).toEqual([{ text: 'mrr: 165 in segment vs 100 elsewhere', participant_ids: ['p1', 'p3', 'p4'] }]);
    expect(card).toMatchObject({ name: 'The Admin', quote: { participant_id: 'p2' }, narrative: null });
  });
});
