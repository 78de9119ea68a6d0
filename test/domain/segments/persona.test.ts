/** Persona cards built from data only: every claim with the participants it rests on. */
import { describe, expect, it } from 'vitest';
import { CommonAnswers, personaCard, repeatedHashes, textHash, type Claim } from '../../../src/domain/segments/persona.js';
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

  it('keeps in full only the answers that may repeat, with the same claims as counting every answer', () => {
    const said = ['Unique first', 'Twice', 'Unique second', 'Three times', 'Twice', 'Three times', 'Unique third', 'Three times', 'Once more'];
    const repeated = repeatedHashes(said.map(textHash));
    expect(repeated).toEqual(new Set([textHash('Twice'), textHash('Three times')]));
    const count = (givenOnce?: (text: string) => boolean) => {
      const common = new CommonAnswers(givenOnce);
      said.forEach((text, i) => common.add(text, `p${i}`));
      return common.claims();
    };
    const lean = count((text) => !repeated.has(textHash(text)));
    expect(lean).toEqual(count());
    expect(lean).toEqual([
      { text: '"Three times"', participant_ids: ['p3', 'p5', 'p7'] },
      { text: '"Twice"', participant_ids: ['p1', 'p4'] },
    ]);
    // Everything said once: the first two read, whether kept in full or not.
    const once = new CommonAnswers(() => true);
    ['a', 'b', 'c'].forEach((text, i) => once.add(text, `p${i}`));
    expect(once.claims()).toEqual([
      { text: '"a"', participant_ids: ['p0'] },
      { text: '"b"', participant_ids: ['p1'] },
    ]);
    // A repeated answer outranks earlier ones given once; ties keep reading order across both kinds.
    const mixed = new CommonAnswers((text) => text !== 'r');
    ['u1', 'r', 'u2', 'r'].forEach((text, i) => mixed.add(text, `p${i}`));
    expect(mixed.claims().map((c) => c.text)).toEqual(['"r"', '"u1"']);
    expect(textHash('héllo ✓')).toBe(textHash('héllo ✓'));
    expect(textHash('ab')).not.toBe(textHash('ba'));
  });

  it('behaviours cite the members on the segment\'s side of the rest\'s mean', () => {
    expect(card.behaviours).toEqual([{ text: 'mrr: 165 in segment vs 100 elsewhere', participant_ids: ['p1', 'p3', 'p4'] }]);
    expect(card).toMatchObject({ name: 'The Admin', quote: { participant_id: 'p2' }, narrative: null });
  });
});
