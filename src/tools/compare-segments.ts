import * as z from 'zod';
import { UserError } from '../errors.js';
import { fitEncoding } from '../domain/segments/encoding.js';
import type { ParticipantFacts } from '../domain/segments/facts.js';
import { adjust, compareGroups } from '../domain/segments/profile.js';
import { distinctiveWords, quoteScore, type DistinctiveWord } from '../domain/segments/words.js';
import { defineTool, readOnly } from './define.js';
import { comparisonOut, formatQ, loadSegmentation, resolveSegment, segmentationId, segmentLabel, segmentRef } from './segmentation-common.js';

const wordOut = z.object({ word: z.string(), z: z.number(), count: z.number() });
const sideOut = z.object({ label: z.string(), size: z.number(), words: z.array(wordOut), quotes: z.array(z.object({ participant_id: z.string(), text: z.string() })) });

export const compareSegments = defineTool({
  name: 'compare_segments',
  title: 'Compare two segments',
  description: `Compares segment a with segment b, or with everyone else in the segmentation when b is left out: every feature side by side (a's and b's mean or share, the difference, an effect size — Cohen's d for numbers, Cohen's h for shares — Welch's t, χ² or Fisher's exact test, and a Benjamini–Hochberg adjusted p-value), the coded themes, the words each side uses distinctively (log-odds with an informative Dirichlet prior, z > 1.96), and representative quotes from each side.
Use this tool when you need to: answer "how do X and Y differ?" or "which segment cares most about price?", or check two segments are really different before acting on both.`,
  input: z.object({
    segmentation_id: segmentationId,
    a: segmentRef,
    b: segmentRef.optional().describe('The other segment; omit to compare a with the rest.'),
    limit: z.number().int().min(1).max(500).default(40).describe('Feature rows to return, strongest differences first (default 40).'),
  }),
  output: z.object({
    segmentation_id: z.number(),
    a: sideOut,
    b: sideOut,
    features: z.array(comparisonOut),
    features_total: z.number(),
    significant: z.number().describe('Features with q < 0.05.'),
    themes: z.array(comparisonOut),
  }),
  annotations: readOnly,
  run({ segmentation_id, a, b, limit }, { store }) {
    const ctx = loadSegmentation(store, segmentation_id);
    const sa = resolveSegment(ctx.segments, a, 'a');
    const sb = b === undefined ? null : resolveSegment(ctx.segments, b, 'b');
    if (sb && sb.segment_id === sa.segment_id) throw new UserError('a and b are the same segment; name two different segments, or leave b out to compare with the rest.');
    const rowsA = new Set(ctx.groups[ctx.segments.indexOf(sa)]);
    const groupA = [...rowsA].map((i) => ctx.facts[i]!);
    const groupB = sb ? ctx.groups[ctx.segments.indexOf(sb)]!.map((i) => ctx.facts[i]!) : ctx.facts.filter((_, i) => !rowsA.has(i));
    if (groupA.length === 0 || groupB.length === 0) throw new UserError('One side has no members; nothing to compare.');
    const labelA = segmentLabel(sa);
    const labelB = sb ? segmentLabel(sb) : 'the rest';
    const sides: [string, string] = [sb ? `in ${sa.name ?? `segment ${sa.segment_id}`}` : 'in segment', sb ? `in ${sb.name ?? `segment ${sb.segment_id}`}` : 'elsewhere'];

    const features = adjust(compareGroups(ctx.encoding, groupA, groupB, sides));
    const strength = (c: { effect_size: number | null; significant: boolean }) => (c.significant ? 10 : 0) + Math.abs(c.effect_size ?? 0);
    features.sort((x, y) => strength(y) - strength(x));
    const hasThemeFeature = ctx.encoding.features.some((f) => f.field === 'theme');
    const themes =
      ctx.catalog.themes.length === 0
        ? []
        : hasThemeFeature
          ? features.filter((f) => f.field === 'theme')
          : (() => {
              const themeEncoding = fitEncoding([...groupA, ...groupB], ['theme'], ctx.catalog, {}, { keepAll: true }).encoding;
              return adjust(compareGroups(themeEncoding, groupA, groupB, sides)).sort((x, y) => strength(y) - strength(x));
            })();

    const texts = store.segments.texts(ctx.segmentation.study_id, [...groupA, ...groupB].map((f) => f.id));
    const idsA = new Set(groupA.map((f) => f.id));
    const words = distinctiveWords(texts.filter((t) => idsA.has(t.participant)).map((t) => t.text), texts.filter((t) => !idsA.has(t.participant)).map((t) => t.text));
    const quotesFor = (group: ParticipantFacts[], own: DistinctiveWord[]) => {
      const ids = new Map(group.map((f) => [f.id, f.participant_id]));
      const scored = texts.filter((t) => ids.has(t.participant) && (t.kind === 'quote' || t.text.length >= 40)).map((t) => ({ t, s: quoteScore(t.text, own) }));
      scored.sort((x, y) => y.s - x.s);
      const out: { participant_id: string; text: string }[] = [];
      const used = new Set<number>();
      for (const { t } of scored) {
        if (out.length >= 3) break;
        if (used.has(t.participant) || out.some((q) => q.text === t.text)) continue;
        used.add(t.participant);
        out.push({ participant_id: ids.get(t.participant)!, text: t.text });
      }
      return out;
    };
    return {
      segmentation_id,
      a: { label: labelA, size: groupA.length, words: words.a, quotes: quotesFor(groupA, words.a) },
      b: { label: labelB, size: groupB.length, words: words.b, quotes: quotesFor(groupB, words.b) },
      features: features.slice(0, limit),
      features_total: features.length,
      significant: features.filter((f) => f.significant).length,
      themes,
    };
  },
  render: (r) => {
    const lines = [`${r.a.label} (${r.a.size}) vs ${r.b.label} (${r.b.size}): ${r.significant} of ${r.features_total} features differ (q < 0.05).`];
    for (const f of r.features.slice(0, 12)) lines.push(`- ${f.description}; ${f.effect_measure} ${f.effect_size}, ${f.test ?? 'no test'}, ${formatQ(f.q)}${f.significant ? '' : ' (not significant)'}`);
    const themes = r.themes.filter((t) => t.significant);
    if (themes.length) lines.push(`Themes: ${themes.map((t) => t.description).join('; ')}`);
    if (r.a.words.length) lines.push(`Words ${r.a.label} uses more: ${r.a.words.map((w) => w.word).join(', ')}`);
    if (r.b.words.length) lines.push(`Words ${r.b.label} uses more: ${r.b.words.map((w) => w.word).join(', ')}`);
    for (const q of r.a.quotes.slice(0, 2)) lines.push(`  ${r.a.label}: "${q.text}" (${q.participant_id})`);
    for (const q of r.b.quotes.slice(0, 2)) lines.push(`  ${r.b.label}: "${q.text}" (${q.participant_id})`);
    return lines.join('\n');
  },
});
