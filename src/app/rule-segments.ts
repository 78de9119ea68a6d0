/** segment_by_rules: segments from named rules in the query grammar (first match or overlapping), or the RFM preset. */
import { capList } from '../domain/format.js';
import { fitList, fitMessages } from '../domain/budget.js';
import { defaultFeatures, fitEncoding } from '../domain/segments/encoding.js';
import { RFM_SEGMENTS, scoreParticipants } from '../domain/segments/rfm.js';
import { listOf, UserError } from '../errors.js';
import type { Condition } from '../store/fields-sql.js';
import type { Store } from '../store/index.js';
import type { MemberDetail, SegmentDefinition } from '../store/segmentation-json.js';
import { definitionText, fitSegmentSummaries, saveSegmentation, segmentSummary } from './segmentations.js';

/** Rule segmentations with more segments than this get a warning: teams cannot act on them all. */
const MAX_ACTIONABLE_SEGMENTS = 5;
/** Segments smaller than this get a warning: their profiles are directional. */
const SMALL_SEGMENT = 20;
/** RFM quintiles over fewer participants than this are coarse. */
const RFM_MIN_PARTICIPANTS = 25;

/** Output budget share of the segment summaries (the rest are listed as headlines). */
const SEGMENTS_CHARS = 8000;

export interface RuleSegmentsRequest {
  studyId: number;
  segments?: { name: string; where: Condition[]; description?: string | undefined }[] | undefined;
  mode: 'first_match' | 'overlapping';
  /** A final segment for everyone no rule matched. */
  restName?: string | undefined;
  rfm?: { recency: string; frequency: string; monetary: string } | undefined;
}

export async function segmentByRules(store: Store, args: RuleSegmentsRequest) {
  await store.studies.get(args.studyId);
  if (!args.segments === !args.rfm) throw new UserError('Give either segments (named rules) or rfm {recency, frequency, monetary}, not both and not neither.');
  const catalog = await store.facts.catalog(args.studyId);
  const facts = await store.facts.facts(args.studyId);
  if (facts.length === 0) throw new UserError('The study has no participants yet; import_participants first.');
  const index = new Map(facts.map((f, i) => [f.id, i]));

  let groups: number[][];
  let names: string[];
  let descriptions: (string | null)[];
  let definitions: SegmentDefinition[];
  let detail: ((row: number) => MemberDetail) | undefined;
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
    if (facts.length < RFM_MIN_PARTICIPANTS) warnings.push(`Only ${facts.length} participants: quintiles of fewer than ~${RFM_MIN_PARTICIPANTS} values are coarse; RFM is meant for a customer base.`);
  } else {
    const rules = args.segments!;
    const seen = new Set<string>();
    for (const rule of rules) {
      if (seen.has(rule.name.toLowerCase())) throw new UserError(`segments: the name "${rule.name}" is used twice; names must differ.`);
      seen.add(rule.name.toLowerCase());
    }
    if (args.restName && seen.has(args.restName.toLowerCase())) throw new UserError(`rest_name "${args.restName}" is also the name of a rule.`);
    const fields = await store.fieldCatalog(args.studyId);
    const matches: number[][] = [];
    for (const [i, rule] of rules.entries()) {
      try {
        matches.push(await store.search.matchingIds(args.studyId, rule.where, fields));
      } catch (error) {
        if (error instanceof UserError) throw new UserError(`segments[${i}] "${rule.name}": ${error.message}`);
        throw error;
      }
    }
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
    if (args.restName) {
      groups.push(facts.map((x, i) => (placed.has(x.id) ? -1 : i)).filter((i) => i >= 0));
      names.push(args.restName);
      descriptions.push('Everyone no rule matched.');
      definitions.push({ conditions: [] });
    }
    const empty = names.filter((_, g) => groups[g]!.length === 0);
    if (empty.length) warnings.push(`No participant matched ${capList(empty.map((n) => `"${n}"`))}${args.mode === 'first_match' ? ' (after earlier rules took their matches)' : ''}.`);
  }

  const inAny = new Set(groups.flat());
  const unassigned = facts.filter((_, i) => !inAny.has(i)).map((x) => x.participant_id);
  if (groups.length === 0) throw new UserError('No participant could be scored: every participant misses a recency, frequency or monetary value.');
  const small = groups.map((g, i) => ({ n: g.length, name: names[i]! })).filter((x) => x.n > 0 && x.n < SMALL_SEGMENT);
  if (small.length) warnings.push(`${capList(small.map((x) => `"${x.name}" (${x.n})`))} hold fewer than ~20–30 participants: profiles are directional.`);
  if (groups.length > MAX_ACTIONABLE_SEGMENTS && method === 'rules') warnings.push(`${groups.length} segments: more than teams can build distinct playbooks for (3–5 is the usual advice).`);

  // Profiles use the study's structured questions, numeric attributes and themes, for everyone placed.
  const fields = [...defaultFeatures(catalog), ...(catalog.themes.length ? ['theme'] : [])];
  const fit = fitEncoding(facts, fields, catalog, {}, { keepAll: true });
  const { id, descriptions: described } = await saveSegmentation(store, {
    studyId: args.studyId,
    method,
    overlapping: args.mode === 'overlapping' && method === 'rules',
    parameters: args.rfm ? { rfm: args.rfm } : { segments: args.segments, mode: args.mode, rest_name: args.restName ?? null },
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
    study_id: args.studyId,
    method,
    k: groups.length,
    participants: facts.length,
    segmented: inAny.size,
    unassigned: { count: unassigned.length, participants: fitList(unassigned.slice(0, 20), 1500).items },
    ...fitSegmentSummaries(described.map((d, g) => segmentSummary(d, { name: names[g]!, stability: null, definition: definitionText(method, definitions[g]!) })), SEGMENTS_CHARS),
    warnings: fitMessages(warnings, 1500),
  };
  }
