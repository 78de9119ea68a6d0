/**
 * The CRM typing model through the MCP client: segments found among the interviewed reach the
 * whole customer base (assign_participants method crm_model, export_segments include_predicted,
 * validate_segmentation, the report), from CRM attributes and tags only.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../helpers/harness.js';
import { sampleArchetypes, useSampleStudy } from '../helpers/fixtures.js';

let h: Awaited<ReturnType<typeof connect>>;
let study_id: number;
let seg: number;
useSampleStudy((s) => ({ h, study_id } = s));

const crmField = (field: string) => field.startsWith('attr.') || field === 'tag';

beforeAll(async () => {
  seg = (await h.ok('cluster_participants', { study_id, k: 4, bootstraps: 5 })).segmentation_id;
  const members = await h.store.segmentations.members(seg);
  for (const archetype of ['The Struggler', 'The Pragmatist', 'The Evaluator', 'The Advocate']) {
    const segment_id = members.find((m) => sampleArchetypes[m.participant_id] === archetype)!.segment_id;
    await h.ok('update_segment', { segmentation_id: seg, segment_id, name: archetype });
  }
});

describe('assign_participants method crm_model', () => {
  it('places every participant, interviewed or not, from CRM attributes and tags, with a cross-validated model', async () => {
    // Before: the never-interviewed could only be scored on the segmentation's own features (answers).
    const res: any = await h.call('assign_participants', { segmentation_id: seg, method: 'crm_model' });
    const r = res.structuredContent;
    expect(r.method).toBe('crm_model');
    expect(r.scored).toBe(48);
    expect(r.assigned).toBe(4); // the 2 partial and 2 never-interviewed participants, not members
    expect(r.unassigned).toEqual([]);
    const m = r.crm_model;
    expect(m.trained_on).toBe(44);
    expect(m.rules.length).toBeGreaterThan(0);
    for (const rule of m.rules) for (const c of rule.conditions) expect(crmField(c.field), c.field).toBe(true);
    expect(m.cross_validated_accuracy).toBeGreaterThan(m.majority_share + 0.2);
    expect(m.verdict).toBe('distinguishes');
    expect(m.statement).toMatch(/The CRM tells these segments apart/);
    // The confusion matrix adds up to the members, and its diagonal to the cross-validated accuracy.
    const counts: number[][] = m.confusion.counts;
    expect(counts).toHaveLength(4);
    expect(counts.flat().reduce((s, x) => s + x, 0)).toBe(44);
    expect(counts.reduce((s, row, i) => s + row[i]!, 0) / 44).toBeCloseTo(m.cross_validated_accuracy, 12);
    for (const p of m.per_segment) expect(p.cross_validated_accuracy).toBeGreaterThanOrEqual(0);
    // Sized across the whole base: 44 observed + 4 predicted, shares adding up to 1, MRR named like revenue.
    expect(m.base.participants).toBe(48);
    expect(m.base.segments.reduce((s: number, x: any) => s + x.count, 0)).toBe(48);
    expect(m.base.segments.reduce((s: number, x: any) => s + x.observed, 0)).toBe(44);
    expect(m.base.segments.reduce((s: number, x: any) => s + x.share, 0)).toBeCloseTo(1, 12);
    expect(m.base.revenue_attribute).toBe('mrr');
    expect(m.base.segments.reduce((s: number, x: any) => s + x.revenue_share, 0)).toBeCloseTo(1, 12);
    // The 4 never clustered are predicted with a confidence; their planted archetype is the one predicted.
    const predicted = r.participants.filter((p: any) => p.source === 'predicted');
    expect(predicted.map((p: any) => p.participant_id).sort()).toEqual(['C1045', 'C1046', 'C1047', 'C1048']);
    const names = new Map((await h.store.segmentations.segments(seg)).map((s) => [s.segment_id, s.name]));
    for (const p of predicted) {
      expect(p.confidence).toBeGreaterThan(0.5);
      expect(p.confidence).toBeLessThanOrEqual(1);
      expect(names.get(p.segment_ids[0])).toBe(sampleArchetypes[p.participant_id]);
    }
    expect(res.content[0].text).toMatch(/The CRM tells these segments apart/);
    expect(JSON.stringify(r).length).toBeLessThan(20_000);
  });

  it('exports everyone with segment, confidence and whether observed or predicted', async () => {
    await h.ok('assign_participants', { segmentation_id: seg, method: 'crm_model' });
    const members = await h.ok('export_segments', { segmentation_id: seg, format: 'json', limit: 100 });
    expect(members.total).toBe(44);
    const all = await h.ok('export_segments', { segmentation_id: seg, format: 'json', limit: 100, include_predicted: true });
    expect(all.total).toBe(48);
    const rows = new Map(all.rows.map((r: any) => [r.participant_id, r]));
    expect(rows.get('C1047')).toMatchObject({ source: 'predicted', segment_names: ['The Struggler'] });
    expect((rows.get('C1001') as any).source).toBe('observed');
    expect((rows.get('C1001') as any).confidence).toBe(1);
    const csv = await h.ok('export_segments', { segmentation_id: seg, crm: 'hubspot', include_predicted: true });
    expect(csv.columns).toEqual(['Email', 'First Name', 'Last Name', 'seglab_participant_id', 'seglab_segment', 'seglab_segment_source', 'seglab_segment_confidence']);
    expect(csv.csv.split('\r\n').find((l: string) => l.includes(',C1047,'))).toMatch(/,The Struggler,predicted,0?\.?\d/);
  });

  it('says plainly when the CRM cannot tell the segments apart', async () => {
    // Segments by the parity of the participant number: nothing a CRM holds tells them apart.
    const ids = Object.keys(sampleArchetypes).filter((id) => Number(id.slice(1)) % 2 === 0);
    const rules = await h.ok('segment_by_rules', { study_id, segments: [{ name: 'Even', where: [{ field: 'participant_id', op: 'in', value: ids }] }, { name: 'Odd', where: [] }] });
    const r = await h.ok('assign_participants', { segmentation_id: rules.segmentation_id, method: 'crm_model' });
    expect(r.crm_model.verdict).toBe('cannot_tell');
    expect(r.crm_model.cross_validated_accuracy).toBeLessThan(r.crm_model.majority_share + 0.1);
    expect(r.crm_model.statement).toMatch(/The CRM cannot tell these segments apart/);
  });

  it('turns the "0 assigned, all unassigned" case into predictions for CRM-only participants', async () => {
    const fresh = await connect();
    try {
      const { study_id: sid } = await fresh.ok('create_study', { name: 'Answers only' });
      await fresh.ok('add_questions', { study_id: sid, questions: [{ key: 'fit', type: 'scale', text: 'Fit?', scale_min: 1, scale_max: 10 }, { key: 'price', type: 'yes_no', text: 'Price first?' }] });
      const rows = Array.from({ length: 60 }, (_, i) => `c${i},c${i}@x.example,${i % 2 ? 'Enterprise' : 'Starter'},${i % 2 ? 900 + i : 40 + i}`);
      await fresh.ok('import_participants', { study_id: sid, csv: ['participant_id,email,plan,mrr', ...rows].join('\n') });
      for (let i = 0; i < 30; i++) {
        await fresh.ok('record_interview', { study_id: sid, participant_id: `c${i}`, answers: [{ question: 'fit', value: i % 2 ? 8 + (i % 3) : 2 + (i % 3) }, { question: 'price', value: i % 2 === 0 }] });
      }
      const clustered = await fresh.ok('cluster_participants', { study_id: sid, k: 2, features: ['answer.fit', 'answer.price'] });
      expect(clustered.participants_clustered).toBe(30);
      const nearest = await fresh.ok('assign_participants', { segmentation_id: clustered.segmentation_id });
      expect(nearest).toMatchObject({ scored: 30, assigned: 0 });
      expect(nearest.unassigned).toHaveLength(30);
      const crm = await fresh.ok('assign_participants', { segmentation_id: clustered.segmentation_id, method: 'crm_model' });
      expect(crm).toMatchObject({ scored: 60, assigned: 30, unassigned: [] });
      expect(crm.crm_model.verdict).toBe('distinguishes');
      expect(crm.crm_model.rules.map((x: any) => x.conditions[0].field)).toContain('attr.plan');
    } finally {
      await fresh.close();
    }
  });
});

describe('validate_segmentation and the report use the CRM typing model', () => {
  it('measurable reads CRM attributes and tags only; the report sizes segments across the base', async () => {
    const v = await h.ok('validate_segmentation', { segmentation_id: seg });
    expect(v.typing_tool.verdict).toBe('distinguishes');
    for (const rule of v.typing_tool.rules) for (const c of rule.conditions) expect(crmField(c.field), c.field).toBe(true);
    expect(v.overall.criteria.measurable.evidence).toMatch(/CRM tells these segments apart/);
    const r = await h.ok('generate_report', { study_id, segmentation_id: seg, format: 'json' });
    // The report is larger than a tool result may be: its JSON file (the json resource) has it whole.
    const report = JSON.parse(readFileSync(r.files.json, 'utf8'));
    const s = report.segmentation;
    // Before, the typing rules read answer.buying_factors, which no CRM has.
    expect(s.validation.typing_rules.length).toBeGreaterThan(0);
    expect(s.validation.typing_rules.join(' ')).not.toMatch(/answer\./);
    expect(s.base).toMatchObject({ participants: 48, revenue_attribute: 'mrr', verdict: 'distinguishes' });
    expect(s.base.segments.map((x: any) => x.name).sort()).toEqual(['The Advocate', 'The Evaluator', 'The Pragmatist', 'The Struggler']);
    expect(s.base.segments.reduce((n: number, x: any) => n + x.count, 0)).toBe(48);
    expect(report.summary.join(' ')).toMatch(/Across all 48 participants \(CRM typing model\): .*of mrr/);
    const markdown = readFileSync(r.files.markdown, 'utf8');
    expect(markdown).toMatch(/### Across the whole customer base/);
    expect(markdown).toMatch(/share of mrr/);
    const seats = await h.ok('generate_report', { study_id, segmentation_id: seg, format: 'json', revenue_attribute: 'attr.seats' });
    expect(JSON.parse(readFileSync(seats.files.json, 'utf8')).segmentation.base.revenue_attribute).toBe('seats');
    expect(await h.fail('generate_report', { study_id, revenue_attribute: 'company' })).toMatch(/revenue_attribute: "company" is not a number attribute/);
  });
});
