/** validate_segmentation: the five criteria (measurable, substantial, accessible, differentiable, actionable) and the anti-patterns. */
import { clipJson, countFitting, fitList } from '../domain/budget.js';
import { describeConditions, segmentLabel } from '../domain/segments/labels.js';
import { adjust, compareSummaries, groupSummaries } from '../domain/segments/profile.js';
import { crmModelApplies, crmModelSummary, trainCrmModel, type CrmModel } from './crm-model.js';
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
import type { Store } from '../store/index.js';
import { definitionText, loadSegmentation, type LoadedSegmentation } from './segmentations.js';

const CRITERIA = ['measurable', 'substantial', 'accessible', 'differentiable', 'actionable'] as const;
/** Attribute names that hold a way to reach someone. */
const CONTACT_ATTRIBUTE = /e-?mail|phone|mobile|contact|linkedin|slack|address/i;

/** Output budget shares of a validation's per-segment checks, the segments beyond them, and the typing tool's rules. */
const RESULT_CHARS = { segments: 5500, other_segments: 2500, rules: 2500 } as const;

/** The five criteria per segment and overall, the typing tool, and the anti-patterns. */
export async function validateSegmentation(store: Store, segmentationId: number, known?: LoadedSegmentation, trained?: CrmModel | null) {
  const loaded = known ?? (await loadSegmentation(store, segmentationId));
  const ctx = loaded;
  const { segmentation, segments, facts, groups, catalog } = ctx;
  const k = segments.length;
  const population = ctx.population;
  const stability = segmentation.diagnostics?.stability ?? null;
  const diagnosticRow = segmentation.diagnostics?.table.find((d) => d.k === segmentation.k);

  // Typing tool: the CRM typing model, k-means only (rule segments are defined by their rule already).
  // It reads CRM attributes and tags only: a segment is measurable when a CRM can find it.
  const model = segmentation.method === 'kmeans' && crmModelApplies(loaded) ? (trained ?? await trainCrmModel(store, segmentationId, loaded)) : null;
  const typing = model?.typing ?? null;

  // Pairwise: does each segment differ significantly from every other? (BH within each pair)
  const differs = new Map<string, boolean>();
  // Each segment's values are read once, not once per pair.
  const summaries = groups.map((rows) => groupSummaries(segmentation.encoding, rows.map((i) => facts[i]!)));
  for (let x = 0; x < k; x++) {
    for (let y = x + 1; y < k; y++) {
      const any = groups[x]!.length > 0 && groups[y]!.length > 0 && adjust(compareSummaries(segmentation.encoding, summaries[x]!, summaries[y]!)).some((c) => c.significant);
      differs.set(`${x}:${y}`, any);
      differs.set(`${y}:${x}`, any);
    }
  }
  const contactAttributes = catalog.attributes.filter((a) => CONTACT_ATTRIBUTE.test(a.name)).map((a) => a.name);

  const perSegment = segments.map((s, g) => {
    const members = groups[g]!.map((i) => facts[i]!);
    const ruleText = (rules: { conditions: { field: string; op: string; value?: unknown }[] }[]) => rules.map((r) => `(${describeConditions(r.conditions)})`).join(' OR ');
    let measurableCheck: Check;
    if (typing) {
      const rules = typing.rules.filter((r) => r.label === g);
      const quality = typing.per_segment[g]!;
      // Held-out recall when cross-validated: what the CRM finds of members it never saw.
      const recall = quality.cross_validated_recall ?? quality.recall;
      measurableCheck =
        rules.length === 0
          ? { verdict: 'fail', evidence: 'No rule of a depth-3 decision tree over CRM attributes and tags singles this segment out: a CRM cannot find it.' }
          : typing.verdict === 'cannot_tell'
            ? { verdict: 'fail', evidence: `${measurable(quality.precision, recall, ruleText(rules)).evidence} ${model!.statement}` }
            : measurable(quality.precision, recall, ruleText(rules));
    } else if (segmentation.method === 'kmeans') {
      measurableCheck = { verdict: 'fail', evidence: 'The study has no CRM attributes or tags: a CRM cannot find the segment.' };
    } else {
      measurableCheck = { verdict: 'pass', evidence: `Defined by a rule over recorded data: ${definitionText(segmentation.method, s.definition)}.` };
    }
    const reachable = members.filter((f) => (f.email && f.email.includes('@')) || contactAttributes.some((a) => f.attribute(a) !== undefined && String(f.attribute(a)).trim() !== '')).length;
    const indistinct = segments.filter((_, o) => o !== g && !differs.get(`${g}:${o}`)).map((o) => segmentLabel(o));
    const criteria = {
      measurable: measurableCheck,
      substantial: substantial(members.length, members.length / population),
      accessible: accessible(reachable, members.length, ['email', ...contactAttributes]),
      differentiable: differentiable({ stability: stability?.[g] ?? null, indistinct, others: k - 1 }),
      actionable: actionable(s.playbook, segments.filter((o) => o !== s).map((o) => ({ label: segmentLabel(o), playbook: o.playbook }))),
    };
    return { segment_id: s.segment_id, name: s.name, verdict: worst(CRITERIA.map((c) => criteria[c].verdict)), criteria };
  });

  const overallCriteria: Record<string, Check> = {};
  for (const c of CRITERIA) {
    const verdicts = perSegment.map((s) => s.criteria[c].verdict);
    const failing = perSegment.filter((s) => s.criteria[c].verdict !== 'pass').map((s) => `${segmentLabel(s)} ${s.criteria[c].verdict}`);
    overallCriteria[c] = { verdict: worst(verdicts), evidence: failing.length ? failing.join('; ') : 'every segment passes' };
  }
  if (model) overallCriteria.measurable!.evidence += `; ${model.statement}`;
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
      ? (segmentation.parameters.features ?? [])
      : segmentation.method === 'rfm'
        ? []
        : segments.flatMap((s) => (s.definition.conditions ?? []).map((c) => c.field));
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
    { name: 'only_happy_customers', ...sampleBalance(await store.studies.tagCounts(segmentation.study_id, 200), (await store.studies.counts(segmentation.study_id)).participants) },
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

  // Within the output budget: evidence as previews, the segments in full as far as they fit (the
  // rest with their verdict and failing criteria), the typing tool's rules as far as they fit.
  const brief = <C extends { evidence: string }>(c: C, max: number): C => ({ ...c, evidence: clipJson(c.evidence, max) });
  const segmentRows = perSegment.map((x) => ({ ...x, criteria: Object.fromEntries(Object.entries(x.criteria).map(([k, c]) => [k, brief(c, 240)])) as typeof x.criteria }));
  const full = countFitting(segmentRows, RESULT_CHARS.segments, 1);
  const typingTool = model ? crmModelSummary(model) : null;
  return {
    segmentation_id: segmentationId,
    method: segmentation.method,
    overall: { verdict: worst([...Object.values(overallCriteria).map((c) => c.verdict), ...anti_patterns.map((a) => (a.verdict === 'fail' ? 'fail' : 'pass') as Verdict)]), criteria: Object.fromEntries(Object.entries(overallCriteria).map(([k, c]) => [k, brief(c, 400)])) },
    segments: segmentRows.slice(0, full),
    other_segments: fitList(
      segmentRows.slice(full).map((x) => ({ segment_id: x.segment_id, name: x.name, verdict: x.verdict, failing: Object.entries(x.criteria).filter(([, c]) => c.verdict !== 'pass').map(([k]) => k) })),
      RESULT_CHARS.other_segments,
    ).items,
    typing_tool: typingTool ? { ...typingTool, rules: fitList(typingTool.rules.map((r) => ({ ...r, text: clipJson(r.text, 300) })), RESULT_CHARS.rules).items, grown_on: model!.typing.sample } : null,
    anti_patterns: anti_patterns.map((a) => brief(a, 400)),
    thresholds: THRESHOLDS,
  };
}
