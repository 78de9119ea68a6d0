/** A small report written out by hand, with text that needs escaping, for the renderer tests. */
import type { Report } from '../../src/report/model.js';

export const HOSTILE = '<script>alert("x")</script> | a & b';

export function handReport(): Report {
  const persona = { name: 'The Pragmatist', role: { text: 'admin (3 of 4)', participant_ids: ['p1', 'p2', 'p3'] }, context: [], goals: [{ text: 'fast setup', participant_ids: ['p1'] }], frustrations: [], behaviours: [], quote: { text: HOSTILE, participant_id: 'p2' }, narrative: null };
  return {
    version: 1,
    generated_at: '2026-11-30T10:00:00.000Z',
    study: { study_id: 7, name: 'Churn | study', decision: 'Which segment first', description: null, mode: 'hybrid' },
    summary: ['Four segments.', HOSTILE],
    method: { participants: 6, interviews_completed: 4, interviews_partial: 1, not_interviewed: 1, composition: [{ tag: 'churned', count: 3 }], lifecycle_groups: [{ group: 'churned customers', participants: 3 }], questions: [{ key: 'use', type: 'single_choice', text: 'Use?' }], attributes: 2, readiness: { ready: false, open_items: ['interviews: 4 of 30'] }, population: { scope: 'interviews', include_partial: false, statuses: ['completed'], rule: 'participants with a completed interview (include_partial adds partial ones)', n: 4 } },
    questions: [{ key: 'use', type: 'single_choice', text: 'Use?', n: 4, mean: null, nps: null, headline: 'n = 4; most common: B (75%)', chart: { kind: 'bars', id: 'q-use', title: 'Use?', format: 'percent', max: 1, items: [{ label: 'B', value: 0.75, note: '(3)' }, { label: 'A|C', value: 0.25, note: '(1)' }] }, by_segment: null }],
    themes: [{ code: 'fast_setup', participants: 2, share: 0.5, quotes: [{ participant_id: 'p1', text: 'setup was quick' }] }],
    themes_chart: null,
    segmentation: {
      segmentation_id: 3, method: 'kmeans', k: 1, created_at: '2026-11-30',
      size_chart: { kind: 'bars', id: 'segment-sizes', title: 'Segment sizes', format: 'percent', max: 1, items: [{ label: 'The Pragmatist', value: 1 }] },
      segments: [{ segment_id: 1, name: 'The Pragmatist', description: null, size: 4, share: 1, stability: 'stable', definition: null, distinguishing: ['mrr: 165 in segment vs 100 elsewhere'], persona, playbook: { product: 'Survey plan', customer_success: 'Call in week 1' } }],
      comparison: { columns: ['The Pragmatist'], rows: [{ feature: 'team share', measure: 'share', values: [0.5] }] },
      validation: { overall: 'warn', criteria: [{ name: 'substantial', verdict: 'warn', evidence: '4 participants' }], per_segment: [], anti_patterns: [{ name: 'demographic_names', verdict: 'warn', evidence: 'unnamed' }], typing_rules: [] },
      prioritization: null, migration: null,
      base: { participants: 6, revenue_attribute: 'mrr', method: 'CART', cross_validated_accuracy: null, majority_share: 1, verdict: 'cannot_tell', statement: HOSTILE, segments: [{ segment_id: 1, name: HOSTILE, observed: 4, predicted: 2, count: 6, share: 1, revenue: 600, revenue_share: 1 }] },
      appendix: { features: ['attr.mrr'], parameters: { k: 1 }, diagnostics: [], recommendation: null, warnings: [], notes: [] },
    },
    crosstabs: [{ rows: 'segment', columns: 'answer.use', n: 4, chi_square: 3.2, df: 2, p: 0.0004, cramers_v: 0.6, headline: 'B stands out' }],
    drivers: null,
    failed_sections: [{ section: 'drivers', ref: 'abcd1234' }],
    omitted: [{ section: 'crosstab tag × plan', reason: 'more than 30 categories' }],
  };
}
