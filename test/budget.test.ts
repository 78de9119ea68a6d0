/**
 * Every tool of the catalog, called with its worst-case arguments on the adversarial study, answers
 * within the output budget: text + structuredContent under 20,000 characters of JSON. A tool added
 * to the catalog without worst cases here fails the first test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULT_BUDGET, resultChars } from '../src/tools/budget.js';
import { tools } from '../src/tools/index.js';
import { type AdversarialStudy, ADVERSARIAL_PARTICIPANTS, longText, pad, participantIdOf, seedAdversarialStudy, themeOf } from './helpers/adversarial.js';
import { connect, type Harness } from './helpers/harness.js';

type Args = Record<string, unknown>;
type WorstCases = (s: AdversarialStudy, h: Harness) => Args[] | Promise<Args[]>;


const worstCases: Record<string, WorstCases> = {
  create_study: () => [{ name: pad('S ', 200), decision: longText(1000), description: longText(4000), participant_criteria: longText(2000), mode: 'hybrid' }],
  list_studies: () => [{ limit: 100 }],
  get_study: (s) => [{ study_id: s.study_id }],
  add_questions: async (_s, h) => {
    const { study_id } = await h.ok('create_study', { name: 'Question limits' });
    return [
      {
        study_id,
        questions: Array.from({ length: 50 }, (_, i) => ({ key: pad(`k${i}_`, 48), type: 'ranking', text: longText(900, i), options: Array.from({ length: 50 }, (_, o) => pad(`option ${o} `, 66)) })),
      },
    ];
  },
  import_participants: (s) => {
    const header = ['participant_id', 'email', ...Array.from({ length: 100 }, (_, c) => pad(`column_${c}_`, 100))].join(',');
    const bad = Array.from({ length: 3000 }, (_, i) => `${pad(`bad-${i}-`, 150)},not-an-email-${'x'.repeat(150)}`).join('\n');
    const good = Array.from({ length: 3000 }, (_, i) => [participantIdOf(i), `p${i}@example.com`, ...Array.from({ length: 100 }, () => String(i))].join(',')).join('\n');
    return [
      { study_id: s.study_id, csv: `${header}\n${bad}\n`, dry_run: true },
      { study_id: s.study_id, csv: `${header}\n${bad}\n`, dry_run: true, skip_invalid: true },
      { study_id: s.study_id, csv: `${header}\n${good}\n`, dry_run: true },
    ];
  },
  set_attribute_type: (s) => [
    // Every value is a stray: the list of what does not convert is the longest it gets.
    { study_id: s.study_id, attribute: 'company', type: 'number', dry_run: true },
    { study_id: s.study_id, attribute: 'signup_date', type: 'number', dry_run: true, skip_invalid: true },
  ],
  record_interview: (s) => [
    {
      study_id: s.study_id,
      participant_id: participantIdOf(5),
      answers: [{ question: s.keys.open, value: longText(1500) }],
      quotes: Array.from({ length: 50 }, (_, q) => ({ text: longText(4000, 3000 + q), themes: Array.from({ length: 10 }, (_, t) => themeOf(t)) })),
      themes: Array.from({ length: 200 }, (_, t) => ({ code: themeOf(t), quote: longText(400, t) })),
      notes: longText(20_000),
    },
  ],
  get_participant: (s) => [
    { study_id: s.study_id, participant_id: s.heavy },
    { study_id: s.study_id, participant_id: s.heavy, include_transcript: true },
  ],
  query_participants: (s) => {
    const include = ['attr.company', 'attr.signup_date', 'attr.plan', 'attr.mrr', `answer.${s.keys.ranking}`, `answer.${s.keys.multi}`, `answer.${s.keys.open}`, `answer.${s.keys.single}`, 'theme', 'tag', 'segment', 'email', 'name'];
    return [
      { study_id: s.study_id, text: 'pricing', include, limit: 200 },
      { study_id: s.study_id, text: s.denseWord, limit: 200 },
      { study_id: s.study_id, where: [{ field: 'attr.mrr', op: 'gte', value: 0 }], include, limit: 200 },
    ];
  },
  summarize_questions: (s) => [
    { study_id: s.study_id },
    { study_id: s.study_id, by: 'attr.company' },
    { study_id: s.study_id, by: 'attr.signup_date' },
    { study_id: s.study_id, by: 'tag' },
    { study_id: s.study_id, by: 'theme' },
    { study_id: s.study_id, by: `answer.${s.keys.multi}` },
    { study_id: s.study_id, by: 'segment', segmentation_id: s.rules },
    { study_id: s.study_id, questions: [s.keys.ranking], by: 'attr.company' },
  ],
  code_themes: (s) => [
    { study_id: s.study_id, codes: Array.from({ length: 2000 }, (_, i) => ({ participant_id: participantIdOf(i % ADVERSARIAL_PARTICIPANTS), theme: themeOf(1000 + (i % 400)) })) },
  ],
  crosstab: (s) => [
    { study_id: s.study_id, rows: 'attr.company', columns: 'attr.signup_date' },
    { study_id: s.study_id, rows: `answer.${s.keys.multi}`, columns: `answer.${s.keys.ranking}` },
    { study_id: s.study_id, rows: 'tag', columns: 'theme' },
    { study_id: s.study_id, rows: 'segment', columns: `answer.${s.keys.single}`, segmentation_id: s.rules },
  ],
  driver_analysis: (s) => [{ study_id: s.study_id, outcome: `answer.${s.keys.nps}`, segmentation_id: s.rules }],
  cluster_participants: (s) => [{ study_id: s.study_id, k: 'auto', k_min: 2, k_max: 20, restarts: 1, bootstraps: 2 }],
  segment_by_rules: (s) => [
    {
      study_id: s.study_id,
      mode: 'overlapping',
      rest_name: pad('Rest ', 80),
      segments: Array.from({ length: 50 }, (_, i) => ({
        name: pad(`Worst ${i} `, 80),
        description: longText(2000, i),
        where: Array.from({ length: 20 }, (_, c) => ({ field: 'attr.company', op: 'neq', value: pad(`nobody ${i} ${c} `, 200) })),
      })),
    },
  ],
  get_segmentation: (s) => [
    { segmentation_id: s.rules, limit: 500 },
    { segmentation_id: s.kmeans, limit: 500 },
    { segmentation_id: s.kmeans, segment_id: 1, limit: 500 },
  ],
  update_segment: (s) => [
    {
      segmentation_id: s.kmeans,
      segment_id: 1,
      name: pad('Named ', 80),
      description: longText(2000),
      persona: longText(4000),
      playbook: { product: longText(2000, 1), marketing: longText(2000, 2), sales: longText(2000, 3), customer_success: longText(2000, 4) },
    },
  ],
  compare_segments: (s) => [
    { segmentation_id: s.kmeans, a: 1, limit: 500 },
    { segmentation_id: s.rules, a: 1, b: 2, limit: 500 },
  ],
  validate_segmentation: (s) => [{ segmentation_id: s.rules }, { segmentation_id: s.kmeans }],
  prioritize_segments: (s) => [{ segmentation_id: s.rules, derive: { revenue_potential: 'attr.mrr' } }],
  assign_participants: (s) => [{ segmentation_id: s.kmeans, participant_ids: Array.from({ length: ADVERSARIAL_PARTICIPANTS }, (_, i) => participantIdOf(i)) }],
  segment_migration: (s) => [
    { from_segmentation_id: s.kmeans, to_segmentation_id: s.rfm },
    { from_segmentation_id: s.rfm, to_segmentation_id: s.kmeans },
  ],
  export_segments: (s) => [
    { segmentation_id: s.rules, format: 'json', limit: 1000 },
    { segmentation_id: s.rules, format: 'csv', crm: 'hubspot' },
  ],
  generate_report: (s) => [
    { study_id: s.study_id, format: 'markdown' },
    { study_id: s.study_id, format: 'json' },
    { study_id: s.study_id, format: 'html', include_chart_images: true },
  ],
  delete_participant: (s) => [{ study_id: s.study_id, participant_id: participantIdOf(ADVERSARIAL_PARTICIPANTS - 1), confirm: true }],
  delete_study: async (_s, h) => {
    const { study_id } = await h.ok('create_study', { name: pad('Doomed ', 200) });
    return [{ study_id, confirm: true }];
  },
  manage_tokens: async (s, h) => {
    // Hundreds of tokens (revoked ones stay listed), each limited to many studies.
    for (let i = 0; i < 300; i++) await h.ok('manage_tokens', { action: 'create', name: pad(`agent ${i} `, 100), role: 'viewer', studies: [s.study_id] });
    return [{ action: 'list' }, { action: 'create', name: pad('last agent ', 100), role: 'editor', studies: [s.study_id] }];
  },
  search: (s) => [{ query: s.denseWord }, { query: 'pricing support onboarding renewal price value' }, { query: longText(500) }],
  fetch: (s) => [
    { id: `participant:${s.study_id}:${s.heavy}` },
    { id: `study:${s.study_id}` },
    { id: `report:${s.study_id}` },
    { id: `segment:${s.rules}:1` },
  ],
};

describe('the output budget', () => {
  let h: Harness;
  let study: AdversarialStudy;
  const sizes: { tool: string; args: string; chars: number }[] = [];
  beforeAll(async () => {
    h = await connect();
    study = await seedAdversarialStudy(h);
  }, 600_000);
  afterAll(async () => {
    // The figures BENCHMARKS.md quotes (largest result per call).
    process.stderr.write(`${sizes.map((s) => `${s.tool}\t${s.chars}\t${s.args}`).join('\n')}\n`);
    await h?.close();
  });

  it('has worst cases for every tool in the catalog', () => {
    expect(tools.map((t) => t.name).filter((name) => !worstCases[name])).toEqual([]);
  });

  for (const tool of tools) {
    it(`${tool.name} stays under ${RESULT_BUDGET.toLocaleString('en')} characters at its worst`, async () => {
      const cases = await worstCases[tool.name]!(study, h);
      for (const args of cases) {
        // A report over the adversarial study can outlast the client's default 60 s on a loaded machine.
        const result: any = await h.client.callTool({ name: tool.name, arguments: args }, { timeout: 280_000 });
        const chars = resultChars(result);
        sizes.push({ tool: tool.name, args: JSON.stringify(args).slice(0, 120), chars });
        expect(result.isError, `${tool.name} failed: ${result.content?.[0]?.text?.slice(0, 500)}`).toBeFalsy();
        expect(chars, `${tool.name} ${JSON.stringify(args).slice(0, 200)}`).toBeLessThan(RESULT_BUDGET);
      }
    }, 300_000);
  }
});
