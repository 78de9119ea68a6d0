import * as z from 'zod';
import { listOf, UserError } from '../errors.js';
import { defaultFeatures, fitEncoding } from '../domain/segments/encoding.js';
import { RFM_SEGMENTS, scoreParticipants } from '../domain/segments/rfm.js';
import { defineTool } from './define.js';
import { capList, condition, studyId } from './params.js';
import { conditionText, renderSegments, saveSegmentation, segmentSummaryOut, summarize } from './segmentation-common.js';

const attributeName = z.string().min(1).describe('A number attribute (or, for recency, a date attribute), with or without the attr. prefix.');

export const segmentByRules = defineTool({
  name: 'segment_by_rules',
  title: 'Segment participants by rules or RFM',
  description: `Creates a segmentation from named rules in the query_participants grammar (e.g. high intent = [{field: "attr.pricing_page_visits_7d", op: "gte", value: 3}]), or from the RFM preset.
Rules: mode "first_match" (default) puts each participant in the first segment whose conditions all hold; "overlapping" puts them in every segment that matches. A rule with no conditions catches everyone not yet placed. Unmatched participants are reported (rest_name gives them a segment of their own).
RFM: give the recency, frequency and monetary attributes. Each is scored in quintiles 1–5 (recency reversed for a number such as days since the last order; a later date scores higher). Ties share a score: floor(5 × share of values ranked strictly worse) + 1. Segments follow the usual R–F map: Champions, Loyal Customers, Potential Loyalists, New Customers, Promising, Need Attention, About to Sleep, At Risk, Can't Lose Them, Hibernating; each member keeps its R·F·M code.
Use this tool when you need to: make segments a CRM can compute, test a hypothesis segment ("3+ pricing-page visits in 7 days"), or score customers by RFM. Returns the same segment summaries as cluster_participants.`,
  input: z.object({
    study_id: studyId,
    segments: z
      .array(z.object({ name: z.string().trim().min(1).max(80), where: z.array(condition).max(20).describe('Conditions that must all hold; [] = everyone not yet placed.'), description: z.string().max(2000).optional() }))
      .min(1)
      .max(50)
      .optional(),
    mode: z.enum(['first_match', 'overlapping']).default('first_match'),
    rest_name: z.string().trim().min(1).max(80).optional().describe('Name for a final segment holding everyone no rule matched.'),
    rfm: z.object({ recency: attributeName, frequency: attributeName, monetary: attributeName }).optional(),
  }),
  output: z.object({
    segmentation_id: z.number(),
    study_id: z.number(),
    method: z.enum(['rules', 'rfm']),
    k: z.number(),
    participants: z.number().describe('Participants in the study.'),
    segmented: z.number().describe('Participants placed in at least one segment.'),
    unassigned: z.object({ count: z.number(), participants: z.array(z.string()) }).describe('Matched no rule, or (RFM) missing a value (first 20 listed).'),
    segments: z.array(segmentSummaryOut),
    warnings: z.array(z.string()),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  run(args, { store }) {
    store.studies.get(args.study_id);
    if (!args.segments === !args.rfm) throw new UserError('Give either segments (named rules) or rfm {recency, frequency, monetary}, not both and not neither.');
    const catalog = store.segments.catalog(args.study_id);
    const facts = store.segments.facts(args.study_id);
    if (facts.length === 0) throw new UserError('The study has no participants yet; import_participants first.');
    const index = new Map(facts.map((f, i) => [f.id, i]));

    let groups: number[][];
    let names: string[];
    let descriptions: (string | null)[];
    let definitions: unknown[];
    let detail: ((row: number) => unknown) | undefined;
    const warnings: string[] = [];
    let method: 'rules' | 'rfm' = 'rules';

    if (args.rfm) {
      method = 'rfm';
      const resolve = (role: string, name: string, allowDate: boolean) => {
        const bare = name.replace(/^attr\./, '');
        const a = catalog.attributes.find((x) => x.name === bare);
        if (!a) throw new UserError(`rfm.${role}: unknown attribute "${bare}". Attributes: ${listOf(catalog.attributes.map((x) => x.name))}.`);
        if (a.type !== 'number' && !(allowDate && a.type === 'date')) throw new UserError(`rfm.${role}: "${bare}" is a ${a.type} attribute; it must be a number${allowDate ? ' or a date' : ''}.`);
        return a;
      };
      const r = resolve('recency', args.rfm.recency, true);
      const f = resolve('frequency', args.rfm.frequency, false);
      const m = resolve('monetary', args.rfm.monetary, false);
      const scores = scoreParticipants(facts, { recency: r.name, frequency: f.name, monetary: m.name }, r.type === 'date');
      const present = RFM_SEGMENTS.filter((s) => scores.some((x) => x?.segment === s.name));
      names = present.map((s) => s.name);
      descriptions = present.map((s) => s.description);
      definitions = present.map((s) => ({ rfm: { recency: r.name, frequency: f.name, monetary: m.name }, cells: s.cells.source, label: `R·F cells ${s.cells.source.replace(/[\^$]/g, '')} (recency ${r.name}, frequency ${f.name})` }));
      groups = present.map((s) => scores.map((x, i) => (x?.segment === s.name ? i : -1)).filter((i) => i >= 0));
      detail = (row) => {
        const x = scores[row]!;
        return { r: x.r, f: x.f, m: x.m, code: x.code };
      };
      if (facts.length < 25) warnings.push(`Only ${facts.length} participants: quintiles of fewer than ~25 values are coarse; RFM is meant for a customer base.`);
    } else {
      const rules = args.segments!;
      const seen = new Set<string>();
      for (const rule of rules) {
        if (seen.has(rule.name.toLowerCase())) throw new UserError(`segments: the name "${rule.name}" is used twice; names must differ.`);
        seen.add(rule.name.toLowerCase());
      }
      if (args.rest_name && seen.has(args.rest_name.toLowerCase())) throw new UserError(`rest_name "${args.rest_name}" is also the name of a rule.`);
      const context = store.query.context(args.study_id);
      const matches = rules.map((rule, i) => {
        try {
          return store.query.matchingIds(args.study_id, rule.where, context);
        } catch (error) {
          if (error instanceof UserError) throw new UserError(`segments[${i}] "${rule.name}": ${error.message}`);
          throw error;
        }
      });
      const placed = new Set<number>();
      groups = matches.map((ids) => {
        const rows: number[] = [];
        for (const id of ids) {
          if (args.mode === 'first_match' && placed.has(id)) continue;
          rows.push(index.get(id)!);
        }
        for (const id of ids) placed.add(id);
        return rows;
      });
      names = rules.map((r) => r.name);
      descriptions = rules.map((r) => r.description ?? null);
      definitions = rules.map((r) => ({ conditions: r.where }));
      if (args.rest_name) {
        groups.push(facts.map((x, i) => (placed.has(x.id) ? -1 : i)).filter((i) => i >= 0));
        names.push(args.rest_name);
        descriptions.push('Everyone no rule matched.');
        definitions.push({ conditions: [] });
      }
      const empty = names.filter((_, g) => groups[g]!.length === 0);
      if (empty.length) warnings.push(`No participant matched ${capList(empty.map((n) => `"${n}"`))}${args.mode === 'first_match' ? ' (after earlier rules took their matches)' : ''}.`);
    }

    const inAny = new Set(groups.flat());
    const unassigned = facts.filter((_, i) => !inAny.has(i)).map((x) => x.participant_id);
    if (groups.length === 0) throw new UserError('No participant could be scored: every participant misses a recency, frequency or monetary value.');
    const small = groups.map((g, i) => ({ n: g.length, name: names[i]! })).filter((x) => x.n > 0 && x.n < 20);
    if (small.length) warnings.push(`${capList(small.map((x) => `"${x.name}" (${x.n})`))} hold fewer than ~20–30 participants: profiles are directional.`);
    if (groups.length > 5 && method === 'rules') warnings.push(`${groups.length} segments: more than teams can build distinct playbooks for (3–5 is the usual advice).`);

    // Profiles use the study's structured questions, numeric attributes and themes, for everyone placed.
    const fields = [...defaultFeatures(catalog), ...(catalog.themes.length ? ['theme'] : [])];
    const fit = fitEncoding(facts, fields, catalog, {}, { keepAll: true });
    const { id, descriptions: described } = saveSegmentation(store, {
      studyId: args.study_id,
      method,
      overlapping: args.mode === 'overlapping' && method === 'rules',
      parameters: args.rfm ? { rfm: args.rfm } : { segments: args.segments, mode: args.mode, rest_name: args.rest_name ?? null },
      encoding: fit.encoding,
      diagnostics: null,
      summary: { warnings, unassigned, participants_clustered: facts.length },
      facts,
      data: fit.matrix,
      groups,
      names,
      descriptions,
      definitions,
      detail,
      population: facts.length,
    });
    return {
      segmentation_id: id,
      study_id: args.study_id,
      method,
      k: groups.length,
      participants: facts.length,
      segmented: inAny.size,
      unassigned: { count: unassigned.length, participants: unassigned.slice(0, 20) },
      segments: described.map((d, g) =>
        summarize(d, {
          name: names[g]!,
          stability: null,
          definition: method === 'rfm' ? (definitions[g] as { label: string }).label : conditionText((definitions[g] as { conditions: { field: string; op: string; value?: unknown }[] }).conditions),
        }),
      ),
      warnings,
    };
  },
  render: (r) => {
    const lines = [`Segmentation ${r.segmentation_id}: ${r.method === 'rfm' ? 'RFM' : 'rules'}, ${r.k} segments; ${r.segmented} of ${r.participants} participants placed${r.unassigned.count ? `, ${r.unassigned.count} unassigned (${capList(r.unassigned.participants, 5)})` : ''}.`];
    lines.push(...renderSegments(r.segments));
    for (const w of r.warnings) lines.push(`Warning: ${w}`);
    return lines.join('\n');
  },
});
