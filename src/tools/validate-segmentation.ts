import * as z from 'zod';
import type { Store } from '../store/index.js';
import { adjust, compareValues, groupValues } from '../domain/segments/profile.js';
import { typingTool } from '../domain/segments/typing-tool.js';
import {
  accessible,
  actionable,
  demographicName,
  demographicOnly,
  differentiable,
  measurable,
  sampleBalance,
  segmentCount,
  substantial,
  THRESHOLDS,
  worst,
  type Check,
  type Verdict,
} from '../domain/segments/validation.js';
import { defineTool, readOnly } from './define.js';
import { conditionText, loadSegmentation, segmentationId, segmentLabel } from './segmentation-common.js';
import type { SegmentationContext } from './segmentation-common.js';

const check = z.object({ verdict: z.enum(['pass', 'warn', 'fail']), evidence: z.string() });
const CRITERIA = ['measurable', 'substantial', 'accessible', 'differentiable', 'actionable'] as const;
const CONTACT_ATTRIBUTE = /e-?mail|phone|mobile|contact|linkedin|slack|address/i;

const input = z.object({ segmentation_id: segmentationId });

export const validateSegmentation = defineTool({
  name: 'validate_segmentation',
  title: 'Validate a segmentation',
  description: `Checks a segmentation against the five criteria researchers use, per segment and overall, each pass / warn / fail with its evidence:
measurable — a shallow decision tree over CRM attributes and answers (the "typing tool") that reproduces membership, with its rules, precision, recall and cross-validated accuracy, so a CRM can find each segment; substantial — share and head count against thresholds; accessible — members reachable by email or a contact attribute; differentiable — bootstrap stability, silhouette, and a significant difference from every other segment; actionable — a playbook exists and differs from the others'.
Also flags the anti-patterns: too many segments, segments on demographics alone, only happy customers sampled, demographic names.
Use this tool when you need to: decide whether segments are ready to hand to product, marketing, sales and customer success, or explain what to fix first.`,
  input,
  output: z.object({
    segmentation_id: z.number(),
    method: z.string(),
    overall: z.object({ verdict: z.enum(['pass', 'warn', 'fail']), criteria: z.record(z.string(), check) }),
    segments: z.array(z.object({ segment_id: z.number(), name: z.string().nullable(), verdict: z.enum(['pass', 'warn', 'fail']), criteria: z.object({ measurable: check, substantial: check, accessible: check, differentiable: check, actionable: check }) })),
    typing_tool: z
      .object({
        rules: z.array(z.object({ segment_id: z.number(), conditions: z.array(z.object({ field: z.string(), op: z.string(), value: z.union([z.string(), z.number(), z.boolean()]) })), text: z.string(), participants: z.number(), purity: z.number() })),
        accuracy: z.number(),
        cross_validated_accuracy: z.number().nullable(),
        grown_on: z.number().nullable().describe('Participants in the seeded sample the tree was grown on (above 4,000); accuracy is over everyone.'),
      })
      .nullable()
      .describe('k-means only: rules in the query_participants grammar (usable in segment_by_rules) that reproduce membership.'),
    anti_patterns: z.array(z.object({ name: z.string(), verdict: z.enum(['pass', 'warn', 'fail']), evidence: z.string() })),
    thresholds: z.record(z.string(), z.unknown()),
  }),
  annotations: readOnly,
  run({ segmentation_id }, { store }) {
    return validate(store, { segmentation_id });

  },
  render: (r) => {
    const mark = (v: string) => (v === 'pass' ? '✓' : v === 'warn' ? '!' : '✗');
    const lines = [`Segmentation ${r.segmentation_id}: overall ${r.overall.verdict.toUpperCase()}`];
    for (const [c, v] of Object.entries(r.overall.criteria)) lines.push(`${mark(v.verdict)} ${c}: ${v.evidence}`);
    for (const s of r.segments) {
      lines.push(`${segmentLabel(s)}: ${s.verdict}`);
      for (const [c, v] of Object.entries(s.criteria)) if (v.verdict !== 'pass') lines.push(`  ${mark(v.verdict)} ${c}: ${v.evidence}`);
    }
    if (r.typing_tool) {
      lines.push(`Typing tool (${Math.round(r.typing_tool.accuracy * 100)}% correct${r.typing_tool.cross_validated_accuracy !== null ? `, ${Math.round(r.typing_tool.cross_validated_accuracy * 100)}% cross-validated` : ''}):`);
      for (const rule of r.typing_tool.rules) lines.push(`  → segment ${rule.segment_id} if ${rule.text} (${rule.participants}, ${Math.round(rule.purity * 100)}% pure)`);
    }
    for (const a of r.anti_patterns) if (a.verdict !== 'pass') lines.push(`${mark(a.verdict)} ${a.name}: ${a.evidence}`);
    return lines.join('\n');
  },
});

/** The handler's work, shared with generate_report. */
export function validate(store: Store, { segmentation_id }: z.output<typeof input>, loaded?: SegmentationContext) {
    const ctx = loaded ?? loadSegmentation(store, segmentation_id);
    const { segmentation, segments, facts, groups, catalog } = ctx;
    const k = segments.length;
    const population = (segmentation.summary.participants_clustered as number | undefined) ?? facts.length;
    const stability = (segmentation.diagnostics as { stability?: { jaccard: number; verdict: string }[] } | null)?.stability ?? null;
    const diagnosticRow = ((segmentation.diagnostics as { table?: { k: number; silhouette: number | null }[] } | null)?.table ?? []).find((d) => d.k === segmentation.k);

    // Typing tool: k-means only (rule segments are defined by their rule already).
    let typing: ReturnType<typeof typingTool> | null = null;
    if (segmentation.method === 'kmeans' && k >= 2) {
      const labels = new Array<number>(facts.length).fill(-1);
      groups.forEach((rows, g) => rows.forEach((i) => (labels[i] = g)));
      typing = typingTool(facts, labels, k, catalog, { maxDepth: 3, seed: (segmentation.parameters.seed as number | undefined) ?? 0 });
    }

    // Pairwise: does each segment differ significantly from every other? (BH within each pair)
    const differs = new Map<string, boolean>();
    // Each segment's values are read once, not once per pair.
    const values = groups.map((rows) => groupValues(ctx.encoding, rows.map((i) => facts[i]!)));
    for (let x = 0; x < k; x++) {
      for (let y = x + 1; y < k; y++) {
        const any = groups[x]!.length > 0 && groups[y]!.length > 0 && adjust(compareValues(ctx.encoding, values[x]!, values[y]!)).some((c) => c.significant);
        differs.set(`${x}:${y}`, any);
        differs.set(`${y}:${x}`, any);
      }
    }
    const contactAttributes = catalog.attributes.filter((a) => CONTACT_ATTRIBUTE.test(a.name)).map((a) => a.name);

    const perSegment = segments.map((s, g) => {
      const members = groups[g]!.map((i) => facts[i]!);
      const ruleText = (rules: { conditions: { field: string; op: string; value?: unknown }[] }[]) => rules.map((r) => `(${conditionText(r.conditions)})`).join(' OR ');
      let measurableCheck: Check;
      if (typing) {
        const rules = typing.rules.filter((r) => r.label === g);
        const quality = typing.per_segment[g]!;
        measurableCheck = rules.length === 0 ? { verdict: 'fail', evidence: 'No rule of a depth-3 decision tree over attributes and answers singles this segment out.' } : measurable(quality.precision, quality.recall, ruleText(rules));
      } else {
        const definition = s.definition as { conditions?: { field: string; op: string; value?: unknown }[]; label?: string };
        measurableCheck = { verdict: 'pass', evidence: `Defined by a rule over recorded data: ${definition.label ?? conditionText(definition.conditions ?? [])}.` };
      }
      const reachable = members.filter((f) => (f.email && f.email.includes('@')) || contactAttributes.some((a) => f.attributes[a] !== undefined && String(f.attributes[a]).trim() !== '')).length;
      const indistinct = segments.filter((_, o) => o !== g && !differs.get(`${g}:${o}`)).map((o) => segmentLabel(o));
      const criteria = {
        measurable: measurableCheck,
        substantial: substantial(members.length, members.length / population),
        accessible: accessible(reachable, members.length, ['email', ...contactAttributes]),
        differentiable: differentiable({ stability: stability?.[g] ?? null, indistinct, others: k - 1 }),
        actionable: actionable(s.playbook as Record<string, string | undefined> | null, segments.filter((o) => o !== s).map((o) => ({ label: segmentLabel(o), playbook: o.playbook as Record<string, string | undefined> | null }))),
      };
      return { segment_id: s.segment_id, name: s.name, verdict: worst(CRITERIA.map((c) => criteria[c].verdict)), criteria };
    });

    const overallCriteria: Record<string, Check> = {};
    for (const c of CRITERIA) {
      const verdicts = perSegment.map((s) => s.criteria[c].verdict);
      const failing = perSegment.filter((s) => s.criteria[c].verdict !== 'pass').map((s) => `${segmentLabel(s)} ${s.criteria[c].verdict}`);
      overallCriteria[c] = { verdict: worst(verdicts), evidence: failing.length ? failing.join('; ') : 'every segment passes' };
    }
    if (typing) {
      overallCriteria.measurable!.evidence += `; the typing tool places ${Math.round(typing.accuracy * 100)}% correctly${typing.cross_validated_accuracy !== null ? ` (${Math.round(typing.cross_validated_accuracy * 100)}% cross-validated)` : ''}`;
    }
    if (diagnosticRow?.silhouette !== undefined && diagnosticRow.silhouette !== null) {
      const t = THRESHOLDS.silhouette;
      const sv: Verdict = diagnosticRow.silhouette >= t.pass ? 'pass' : diagnosticRow.silhouette >= t.warn ? 'warn' : 'fail';
      overallCriteria.differentiable = {
        verdict: worst([overallCriteria.differentiable!.verdict, sv]),
        evidence: `${overallCriteria.differentiable!.evidence}; mean silhouette ${diagnosticRow.silhouette} (${sv === 'pass' ? 'reasonable structure' : sv === 'warn' ? 'weak structure: segments overlap' : 'no substantial structure'})`,
      };
    }

    const attributeTypes = new Map(catalog.attributes.map((a) => [a.name, a.type as string]));
    const fields =
      segmentation.method === 'kmeans'
        ? ((segmentation.parameters.features as string[] | undefined) ?? [])
        : segmentation.method === 'rfm'
          ? []
          : segments.flatMap((s) => ((s.definition as { conditions?: { field: string }[] }).conditions ?? []).map((c) => c.field));
    const demographic = demographicOnly(fields, attributeTypes);
    const named = segments.filter((s) => s.name && demographicName(s.name));
    const unnamed = segments.filter((s) => !s.name);
    const anti_patterns = [
      { name: 'too_many_segments', ...segmentCount(k) },
      {
        name: 'demographics_alone',
        verdict: (demographic ? 'fail' : 'pass') as Verdict,
        evidence: demographic ? `Every ${segmentation.method === 'kmeans' ? 'feature' : 'rule field'} is a demographic or firmographic attribute (${[...new Set(fields)].join(', ')}): add behaviour, needs or motivation (answers, usage, themes).` : 'Segments rest on behaviour, answers or themes, not demographics alone.',
      },
      { name: 'only_happy_customers', ...sampleBalance(store.studies.tagCounts(segmentation.study_id, 200), store.studies.counts(segmentation.study_id).participants) },
      {
        name: 'demographic_names',
        verdict: (named.length ? 'warn' : unnamed.length ? 'warn' : 'pass') as Verdict,
        evidence: named.length
          ? `${named.map((s) => `"${s.name}"`).join(', ')} read as demographic buckets; name segments for behaviour or motivation.`
          : unnamed.length
            ? `${unnamed.length} segment(s) have no name yet (update_segment).`
            : 'Names describe behaviour or motivation.',
      },
    ];

    return {
      segmentation_id,
      method: segmentation.method,
      overall: { verdict: worst([...Object.values(overallCriteria).map((c) => c.verdict), ...anti_patterns.map((a) => (a.verdict === 'fail' ? 'fail' : 'pass') as Verdict)]), criteria: overallCriteria },
      segments: perSegment,
      typing_tool: typing
        ? {
            rules: typing.rules.map((r) => ({ segment_id: segments[r.label]!.segment_id, conditions: r.conditions, text: conditionText(r.conditions), participants: r.n, purity: r.purity })),
            accuracy: typing.accuracy,
            cross_validated_accuracy: typing.cross_validated_accuracy,
            grown_on: typing.sample,
          }
        : null,
      anti_patterns,
      thresholds: THRESHOLDS,
    };
}
