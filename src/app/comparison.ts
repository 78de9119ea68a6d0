/** compare_segments: two segments, or one against the rest: every feature with effect size and BH q, themes, words, quotes. */
import { fitEncoding } from '../domain/segments/encoding.js';
import type { ParticipantFacts } from '../domain/segments/facts.js';
import { segmentLabel } from '../domain/segments/labels.js';
import { adjust, compareGroups } from '../domain/segments/profile.js';
import { distinctiveWords, quoteScore, type DistinctiveWord } from '../domain/segments/words.js';
import { clipJson, countFitting, fitList, jsonChars, STRUCTURED_BUDGET } from '../domain/budget.js';
import { UserError } from '../errors.js';
import type { Store } from '../store/index.js';
import { counted, population, overInterviews, populationRule } from '../domain/population.js';
import { loadSegmentation, resolveSegment } from './segmentations.js';

/** Quotes shown per side. */
const QUOTES_PER_SIDE = 3;
/** Open answers shorter than this rarely make a telling quote. */
const MIN_QUOTE_CHARS = 40;

/** Output budget share of the themes (the features take what the rest leaves). */
const RESULT_CHARS = { themes: 2500 } as const;

export interface ComparisonRequest {
  segmentationId: number;
  a: number | string;
  /** The other segment; the rest of the segmentation when omitted. */
  b?: number | string | undefined;
  /** Feature rows returned, strongest differences first. */
  limit: number;
  /** The population rule: completed interviews, plus partial ones when true. */
  includePartial?: boolean | undefined;
}

export async function compareSegments(store: Store, { segmentationId: segmentation_id, a, b, limit, includePartial = false }: ComparisonRequest) {
  const ctx = await loadSegmentation(store, segmentation_id);
  const sa = resolveSegment(ctx.segments, a, 'a');
  const sb = b === undefined ? null : resolveSegment(ctx.segments, b, 'b');
  if (sb && sb.segment_id === sa.segment_id) throw new UserError('a and b are the same segment; name two different segments, or leave b out to compare with the rest.');
  const rule = populationRule(includePartial, overInterviews(ctx.segmentation.encoding.features.map((f) => f.field)));
  const counts = (f: ParticipantFacts) => counted(rule, f.status);
  const rowsA = new Set(ctx.groups[ctx.segments.indexOf(sa)]);
  const groupA = [...rowsA].map((i) => ctx.facts[i]!).filter(counts);
  const groupB = (sb ? ctx.groups[ctx.segments.indexOf(sb)]!.map((i) => ctx.facts[i]!) : ctx.facts.filter((_, i) => !rowsA.has(i))).filter(counts);
  if (groupA.length === 0 || groupB.length === 0) throw new UserError(`One side has no members counted (${rule.rule}); nothing to compare.`);
  const labelA = segmentLabel(sa);
  const labelB = sb ? segmentLabel(sb) : 'the rest';
  const sides: [string, string] = [sb ? `in ${sa.name ?? `segment ${sa.segment_id}`}` : 'in segment', sb ? `in ${sb.name ?? `segment ${sb.segment_id}`}` : 'elsewhere'];

  const features = adjust(compareGroups(ctx.segmentation.encoding, groupA, groupB, sides));
  const strength = (c: { effect_size: number | null; significant: boolean }) => (c.significant ? 10 : 0) + Math.abs(c.effect_size ?? 0);
  features.sort((x, y) => strength(y) - strength(x));
  const hasThemeFeature = ctx.segmentation.encoding.features.some((f) => f.field === 'theme');
  const themes =
    ctx.catalog.themes.length === 0
      ? []
      : hasThemeFeature
        ? features.filter((f) => f.field === 'theme')
        : (() => {
            const themeEncoding = fitEncoding([...groupA, ...groupB], ['theme'], ctx.catalog, {}, { keepAll: true }).encoding;
            return adjust(compareGroups(themeEncoding, groupA, groupB, sides)).sort((x, y) => strength(y) - strength(x));
          })();

  const texts = await store.facts.texts(ctx.segmentation.study_id, [...groupA, ...groupB].map((f) => f.id));
  const idsA = new Set(groupA.map((f) => f.id));
  const words = distinctiveWords(texts.filter((t) => idsA.has(t.participant)).map((t) => t.text), texts.filter((t) => !idsA.has(t.participant)).map((t) => t.text));
  const quotesFor = (group: ParticipantFacts[], own: DistinctiveWord[]) => {
    const ids = new Map(group.map((f) => [f.id, f.participant_id]));
    const scored = texts.filter((t) => ids.has(t.participant) && (t.kind === 'quote' || t.text.length >= MIN_QUOTE_CHARS)).map((t) => ({ t, s: quoteScore(t.text, own) }));
    scored.sort((x, y) => y.s - x.s);
    const out: { participant_id: string; text: string }[] = [];
    const used = new Set<number>();
    for (const { t } of scored) {
      if (out.length >= QUOTES_PER_SIDE) break;
      if (used.has(t.participant) || out.some((q) => q.text === t.text)) continue;
      used.add(t.participant);
      out.push({ participant_id: ids.get(t.participant)!, text: t.text });
    }
    return out;
  };
  // Features strongest first, up to `limit` and as far as they fit; themes likewise.
  const shown = (list: typeof features) => list.map((f) => ({ ...f, description: clipJson(f.description, 240), option: f.option === null ? null : clipJson(f.option, 200) }));
  const side = (label: string, size: number, own: DistinctiveWord[], group: ParticipantFacts[]) => ({ label: clipJson(label, 200), size, words: own, quotes: quotesFor(group, own).map((q) => ({ ...q, text: clipJson(q.text, 300) })) });
  const head = { segmentation_id, population: population(rule, groupA.length + groupB.length), a: side(labelA, groupA.length, words.a, groupA), b: side(labelB, groupB.length, words.b, groupB) };
  const themeRows = fitList(shown(themes), RESULT_CHARS.themes).items;
  const wanted = shown(features.slice(0, limit));
  const fitting = countFitting(wanted, STRUCTURED_BUDGET - jsonChars(head) - jsonChars(themeRows) - 300, 1);
  return {
    ...head,
    features: wanted.slice(0, fitting),
    features_total: features.length,
    size_limited: fitting < wanted.length,
    significant: features.filter((f) => f.significant).length,
    themes: themeRows,
    themes_total: themes.length,
  };
  }
