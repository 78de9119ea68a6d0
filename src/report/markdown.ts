/**
 * The report as Markdown, for chat: tables and bullet points, charts summarized in words.
 * Every piece of data (study, question, option, participant, segment and attribute text) goes
 * through `md`, so it renders as the text it is: no HTML, links, images, emphasis or table
 * cells of its own. The report itself contains no links.
 */
import { notShown, type Report } from './model.js';
import { decimal, percent, readable } from '../domain/format.js';
import { withoutControlCharacters } from '../domain/plain-text.js';

/**
 * Data as inert inline Markdown: one line (a newline would start a table row or a block),
 * CommonMark's backslash escape before every character that could start markup — `<` before a
 * tag, autolink or comment, `[`/`]` (so no link or image), emphasis, code, `|` cells, `>`, `#`,
 * `&` of an entity — and before a list marker (`-`, `+`, `1.`) at its start. `<` before a space
 * and a lone `&` stay as they are ("p < 0.001", "a & b").
 */
export function md(text: unknown): string {
  return withoutControlCharacters(String(text ?? '–'))
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\\`*_[\]>|~#]|<(?!\s|$)|&(?=#?\w+;)/g, '\\$&')
    .replace(/^([-+=]|\d+[.)](?=\s|$))/, (m) => `${m.slice(0, -1)}\\${m.slice(-1)}`);
}
/** A table cell: numbers read rounded (the data keeps full precision), everything else inert. */
const cell = (text: unknown) => md(typeof text === 'number' ? readable(text) : text);
const pValue = (p: number | null) => (p === null ? '–' : p < 0.001 ? '< 0.001' : p.toFixed(3));

function table(header: string[], rows: unknown[][]): string[] {
  return [`| ${header.map(cell).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

export function renderMarkdown(r: Report): string {
  const out: string[] = [];
  out.push(`# ${md(r.study.name)}`, '');
  if (r.study.decision) out.push(`**Decision:** ${md(r.study.decision)}`, '');
  out.push('## Summary', '', ...r.summary.map((s) => `- ${md(s)}`), '');

  const m = r.method;
  out.push('## Method and sample', '');
  out.push(`${m.participants} participants: ${m.interviews_completed} completed interviews, ${m.interviews_partial} partial, ${m.not_interviewed} not interviewed; ${m.questions.length} questions; ${m.attributes} CRM attributes.`, '');
  out.push(...table(['lifecycle group', 'participants'], m.lifecycle_groups.map((g) => [g.group, g.participants])), '');
  if (m.composition.length) out.push(`Tags: ${m.composition.map((t) => `${md(t.tag)} ${t.count}`).join(', ')}.`, '');
  if (m.readiness.open_items.length) out.push(`Open items: ${m.readiness.open_items.map(md).join('; ')}.`, '');

  if (r.questions.length) {
    out.push('## Structured questions', '');
    for (const q of r.questions) {
      out.push(`### ${md(q.text)}`, '', `\`${q.key}\` (${q.type}) — ${md(q.headline)}`, '');
      if (q.chart.kind === 'bars') out.push(...table(['option', 'value'], q.chart.items.map((i) => [i.label, `${q.chart.kind === 'bars' && q.chart.format === 'percent' ? percent(i.value) : i.value} ${i.note ?? ''}`.trim()])), '');
      if (q.chart.kind === 'columns') out.push(...table(['value', 'count'], q.chart.items.map((i) => [i.label, i.value])), '');
      if (q.chart.kind === 'split') out.push(...table(['answer', 'count'], q.chart.parts.map((p) => [p.label, p.value])), '');
    }
  }

  if (r.themes.length) {
    out.push('## Themes', '');
    for (const t of r.themes) {
      out.push(`- **${md(t.code.replace(/_/g, ' '))}** — ${t.participants} participants (${percent(t.share)} of those interviewed)`);
      for (const q of t.quotes) out.push(`  > "${md(q.text)}" — ${md(q.participant_id)}`);
    }
    out.push('');
  }

  const s = r.segmentation;
  if (s) {
    out.push('## Segments', '');
    out.push(...table(['segment', 'size', 'share', 'stability', 'definition'], s.segments.map((x) => [x.name, x.size, percent(x.share), x.stability, x.definition ?? 'nearest k-means centre'])), '');
    for (const x of s.segments) {
      out.push(`### ${md(x.name)}`, '');
      if (x.description) out.push(md(x.description), '');
      if (x.distinguishing.length) out.push('What sets them apart:', ...x.distinguishing.map((d) => `- ${md(d)}`), '');
      const p = x.persona;
      const claims = (label: string, list: { text: string; participant_ids: string[] }[]) => (list.length ? [`**${label}:**`, ...list.map((c) => `- ${md(c.text)} (${c.participant_ids.slice(0, 4).map(md).join(', ')})`)] : []);
      out.push(...(p.role ? [`**Role:** ${md(p.role.text)}`] : []), ...claims('Context', p.context), ...claims('Goals', p.goals), ...claims('Frustrations', p.frustrations), ...claims('Behaviours', p.behaviours));
      if (p.quote) out.push('', `> "${md(p.quote.text)}" — ${md(p.quote.participant_id)}`);
      if (p.narrative) out.push('', md(p.narrative));
      if (x.playbook && Object.keys(x.playbook).length) out.push('', '**Playbook:**', ...Object.entries(x.playbook).map(([team, text]) => `- ${md(team.replace('_', ' '))}: ${md(text)}`));
      out.push('');
    }
    if (s.comparison.rows.length) {
      out.push('### How the segments compare', '');
      out.push(...table(['feature', ...s.comparison.columns], s.comparison.rows.map((row) => [row.feature, ...row.values.map((v) => (v === null ? '–' : row.measure === 'share' ? percent(v) : v))])), '');
    }
    out.push('### Validation', '', `Overall: **${s.validation.overall.toUpperCase()}**`, '');
    out.push(...table(['criterion', 'verdict', 'evidence'], s.validation.criteria.map((c) => [c.name, c.verdict, c.evidence])), '');
    const warnings = s.validation.anti_patterns.filter((a) => a.verdict !== 'pass');
    if (warnings.length) out.push(...warnings.map((a) => `- ${a.verdict}: ${md(a.name.replace(/_/g, ' '))} — ${md(a.evidence)}`), '');
    if (s.validation.typing_rules.length) out.push('Typing rules (how a CRM finds each segment):', ...s.validation.typing_rules.map((t) => `- ${md(t)}`), '');
    if (s.base) {
      const b = s.base;
      out.push('### Across the whole customer base', '', `${md(b.statement)} Members keep their segment; the CRM typing model (${md(b.method)}) places the other ${b.segments.reduce((n, x) => n + x.predicted, 0)} of ${b.participants} participants.`, '');
      out.push(...table(['segment', 'members', 'predicted', 'total', 'share', ...(b.revenue_attribute ? [`share of ${b.revenue_attribute}`] : [])], b.segments.map((x) => [x.name, x.observed, x.predicted, x.count, percent(x.share), ...(b.revenue_attribute ? [percent(x.revenue_share)] : [])])), '');
    }
    if (s.prioritization) {
      const factors = Object.keys(s.prioritization.weights);
      out.push('### Prioritization', '');
      out.push(...table(['rank', 'segment', ...factors.map((f) => `${f.replace(/_/g, ' ')} (${percent(s.prioritization!.weights[f]!)})`), 'total'], s.prioritization.rows.map((row) => [row.rank, row.segment, ...factors.map((f) => row.scores[f]), row.total])), '');
      out.push(`**Beachhead:** ${md(s.prioritization.beachhead)} — ${md(s.prioritization.reason)}`, '');
    }
    if (s.migration) {
      out.push(`### Migration from segmentation ${s.migration.from_segmentation_id}`, '', `${s.migration.stayed} stayed, ${s.migration.moved} moved, ${s.migration.new} new, ${s.migration.gone} gone.`, '');
      out.push(...table(['from \\ to', ...s.migration.columns], s.migration.rows.map((row, i) => [row, ...s.migration!.counts[i]!])), '');
    }
  }

  if (r.crosstabs.length || r.drivers) {
    out.push('## Notable cross-tabs and drivers', '');
    if (r.crosstabs.length) out.push(...table(['rows', 'columns', 'n', 'χ² (df)', 'p', "Cramér's V", 'stands out'], r.crosstabs.map((c) => [c.rows, c.columns, c.n, `${readable(c.chi_square)} (${c.df})`, pValue(c.p), c.cramers_v, c.headline])), '');
    if (r.drivers) {
      out.push(`Drivers of ${md(r.drivers.outcome)} (n = ${r.drivers.n}${r.drivers.r_squared !== null ? `, R² = ${decimal(r.drivers.r_squared, 3)}` : ''}):`, '');
      out.push(...table(['driver', 'r', 'p', 'share of R²'], r.drivers.top.map((d) => [d.driver, d.r, pValue(d.p), d.share === null ? '–' : percent(d.share)])), '');
      for (const w of r.drivers.warnings) out.push(`- ${md(w)}`);
      out.push('');
    }
  }

  if (s) {
    out.push('## Appendix: method', '');
    out.push(`Segmentation ${s.segmentation_id} (${s.method}), created ${s.created_at}. Parameters: ${md(JSON.stringify(s.appendix.parameters))}`, '');
    if (s.appendix.features.length) out.push(`Features / rules: ${s.appendix.features.map(md).join(', ')}.`, '');
    if (s.appendix.diagnostics.length) {
      const keys = ['k', 'inertia', 'silhouette', 'calinski_harabasz', 'davies_bouldin', 'stability', 'min_jaccard', 'smallest_segment'];
      out.push(...table(keys, s.appendix.diagnostics.map((d) => keys.map((k) => d[k]))), '');
    }
    if (s.appendix.recommendation) out.push(`Choice of k: ${md(s.appendix.recommendation)}`, '');
    for (const w of s.appendix.warnings) out.push(`- Warning: ${md(w)}`);
    for (const n of s.appendix.notes) out.push(`- ${md(n)}`);
    out.push('');
  }
  const missing = notShown(r);
  if (missing.length) out.push('## Not shown', '', ...missing.map((x) => `- ${md(x)}`), '');
  out.push(`_Generated by seglab on ${r.generated_at}._`, '');
  return out.join('\n');
}
