/**
 * The report as one self-contained HTML page: inline CSS and inline SVG charts, no scripts,
 * fonts, images or other requests, so it opens offline, prints cleanly and can be mailed.
 */
import { notShown, type Report } from './model.js';
import { escapeXml as esc, renderChart } from './charts.js';
import { percent, readable } from '../domain/format.js';

const pValue = (p: number | null) => (p === null ? '–' : p < 0.001 ? '&lt; 0.001' : p.toFixed(3));

const CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #5b6470; --line: #e3e6ea; --accent: #0072B2; --pass: #1a7f37; --warn: #9a6700; --fail: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); background: #f6f7f9; }
main { max-width: 980px; margin: 0 auto; padding: 32px 24px 64px; background: #fff; }
h1 { font-size: 28px; margin: 0 0 4px; } h2 { font-size: 21px; margin: 40px 0 12px; padding-top: 8px; border-top: 2px solid var(--line); }
h3 { font-size: 17px; margin: 24px 0 8px; } p.lede { color: var(--muted); margin: 0 0 20px; }
nav { font-size: 13px; margin: 12px 0 24px; } nav a { color: var(--accent); margin-right: 14px; text-decoration: none; }
ul.summary li { margin: 4px 0; } blockquote { margin: 8px 0; padding: 6px 12px; border-left: 3px solid var(--accent); color: #333; background: #f3f8fc; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 13.5px; } th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 12px 0 20px; } figure svg { max-width: 100%; height: auto; } figcaption { font-size: 12.5px; color: var(--muted); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 16px; }
.card { border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; background: #fcfcfd; }
.card h3 { margin-top: 0; } .card h4 { margin: 10px 0 4px; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.card ul { margin: 0; padding-left: 18px; } .cite { color: var(--muted); font-size: 12px; }
.verdict { font-weight: 600; } .verdict.pass { color: var(--pass); } .verdict.warn { color: var(--warn); } .verdict.fail { color: var(--fail); }
.tag { display: inline-block; padding: 1px 8px; border-radius: 999px; background: #eef2f7; font-size: 12px; margin-right: 4px; }
code { word-break: break-all; font-size: 12px; }
footer { color: var(--muted); font-size: 12px; margin-top: 40px; }
@media print { body { background: #fff; } main { padding: 0; } h2 { break-before: auto; } .card, figure, table { break-inside: avoid; } nav { display: none; } }
`;

function table(header: string[], rows: string[][], numeric: number[] = []): string {
  return `<table><thead><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function verdict(v: string): string {
  return `<span class="verdict ${esc(v)}">${esc(v)}</span>`;
}

function claims(title: string, list: { text: string; participant_ids: string[] }[]): string {
  if (list.length === 0) return '';
  return `<h4>${title}</h4><ul>${list.map((c) => `<li>${esc(c.text)} <span class="cite">${esc(c.participant_ids.slice(0, 4).join(', '))}</span></li>`).join('')}</ul>`;
}

export function renderHtml(r: Report): string {
  const s = r.segmentation;
  const sections: string[] = [];
  const nav: [string, string][] = [['summary', 'Summary'], ['method', 'Method and sample']];

  sections.push(`<section id="summary"><h2>Summary</h2>${r.study.decision ? `<p><strong>Decision:</strong> ${esc(r.study.decision)}</p>` : ''}<ul class="summary">${r.summary.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></section>`);

  const m = r.method;
  sections.push(`<section id="method"><h2>Method and sample</h2>
<p>${m.participants} participants: ${m.interviews_completed} completed interviews, ${m.interviews_partial} partial, ${m.not_interviewed} not interviewed; ${m.questions.length} questions; ${m.attributes} CRM attributes.</p>
${table(['Lifecycle group', 'Participants'], m.lifecycle_groups.map((g) => [esc(g.group), String(g.participants)]), [1])}
${m.composition.length ? `<p>${m.composition.map((t) => `<span class="tag">${esc(t.tag)} ${t.count}</span>`).join(' ')}</p>` : ''}
${m.readiness.open_items.length ? `<p><strong>Open items:</strong> ${esc(m.readiness.open_items.join('; '))}.</p>` : ''}</section>`);

  if (r.questions.length) {
    nav.push(['questions', 'Questions']);
    sections.push(`<section id="questions"><h2>Structured questions</h2>${r.questions
      .map((q) => `<figure>${renderChart(q.chart)}<figcaption>${esc(q.key)} (${esc(q.type)}) — ${esc(q.headline)}</figcaption></figure>${q.by_segment ? `<figure>${renderChart(q.by_segment)}</figure>` : ''}`)
      .join('\n')}</section>`);
  }

  if (r.themes.length) {
    nav.push(['themes', 'Themes']);
    sections.push(`<section id="themes"><h2>Themes</h2>${r.themes_chart ? `<figure>${renderChart(r.themes_chart)}</figure>` : ''}
${r.themes.map((t) => `<h3>${esc(t.code.replace(/_/g, ' '))} <span class="cite">${t.participants} participants</span></h3>${t.quotes.map((q) => `<blockquote>“${esc(q.text)}” <span class="cite">— ${esc(q.participant_id)}</span></blockquote>`).join('')}`).join('\n')}</section>`);
  }

  if (s) {
    nav.push(['segments', 'Segments']);
    const cards = s.segments
      .map((x) => {
        const p = x.persona;
        return `<article class="card" id="segment-${x.segment_id}"><h3>${esc(x.name)}</h3>
<p class="cite">${x.size} participants (${percent(x.share)})${x.stability ? ` · ${esc(x.stability)}` : ''}${x.definition ? ` · rule: ${esc(x.definition)}` : ''}</p>
${x.description ? `<p>${esc(x.description)}</p>` : ''}
${p.role ? `<h4>Role</h4><p>${esc(p.role.text)}</p>` : ''}${claims('Context', p.context)}${claims('Goals', p.goals)}${claims('Frustrations', p.frustrations)}${claims('Behaviours', p.behaviours)}
${p.quote ? `<blockquote>“${esc(p.quote.text)}” <span class="cite">— ${esc(p.quote.participant_id)}</span></blockquote>` : ''}
${p.narrative ? `<p>${esc(p.narrative)}</p>` : ''}
${x.playbook && Object.keys(x.playbook).length ? `<h4>Playbook</h4><ul>${Object.entries(x.playbook).map(([team, text]) => `<li><strong>${esc(team.replace('_', ' '))}:</strong> ${esc(text)}</li>`).join('')}</ul>` : ''}</article>`;
      })
      .join('\n');
    const comparison = s.comparison.rows.length
      ? `<h3>How the segments compare</h3>${table(['Feature', ...s.comparison.columns.map(esc)], s.comparison.rows.map((row) => [esc(row.feature), ...row.values.map((v) => (v === null ? '–' : row.measure === 'share' ? percent(v) : readable(v)))]), s.comparison.columns.map((_, i) => i + 1))}`
      : '';
    const validation = `<h3>Validation: ${verdict(s.validation.overall)}</h3>${table(['Criterion', 'Verdict', 'Evidence'], s.validation.criteria.map((c) => [esc(c.name), verdict(c.verdict), esc(c.evidence)]))}
${table(['Segment', ...Object.keys(s.validation.per_segment[0]?.verdicts ?? {})], s.validation.per_segment.map((x) => [esc(x.segment), ...Object.values(x.verdicts).map(verdict)]))}
${s.validation.anti_patterns.filter((a) => a.verdict !== 'pass').map((a) => `<p>${verdict(a.verdict)} ${esc(a.name.replace(/_/g, ' '))}: ${esc(a.evidence)}</p>`).join('')}
${s.validation.typing_rules.length ? `<h4>Typing rules — how a CRM finds each segment</h4><ul>${s.validation.typing_rules.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>` : ''}`;
    const b = s.base;
    const base = b
      ? `<h3>Across the whole customer base</h3><p>${esc(b.statement)} Members keep their segment; the CRM typing model (${esc(b.method)}) places the other ${b.segments.reduce((n, x) => n + x.predicted, 0)} of ${b.participants} participants.</p>${table(['Segment', 'Members', 'Predicted', 'Total', 'Share', ...(b.revenue_attribute ? [`Share of ${esc(b.revenue_attribute)}`] : [])], b.segments.map((x) => [esc(x.name), String(x.observed), String(x.predicted), String(x.count), percent(x.share), ...(b.revenue_attribute ? [percent(x.revenue_share)] : [])]), [1, 2, 3, 4, 5])}`
      : '';
    const factors = s.prioritization ? Object.keys(s.prioritization.weights) : [];
    const priorities = s.prioritization
      ? `<h3>Prioritization</h3>${table(['Rank', 'Segment', ...factors.map((f) => `${esc(f.replace(/_/g, ' '))} (${percent(s.prioritization!.weights[f]!)})`), 'Total'], s.prioritization.rows.map((row) => [String(row.rank), esc(row.segment), ...factors.map((f) => readable(row.scores[f])), `<strong>${readable(row.total)}</strong>`]), [0, ...factors.map((_, i) => i + 2), factors.length + 2])}
<p><strong>Beachhead:</strong> ${esc(s.prioritization.beachhead)} — ${esc(s.prioritization.reason)}</p>`
      : '';
    const migration = s.migration
      ? `<h3>Migration from segmentation ${s.migration.from_segmentation_id}</h3><p>${s.migration.stayed} stayed, ${s.migration.moved} moved, ${s.migration.new} new, ${s.migration.gone} gone.</p>${table(['From \\ to', ...s.migration.columns.map(esc)], s.migration.rows.map((row, i) => [esc(row), ...s.migration!.counts[i]!.map(String)]), s.migration.columns.map((_, i) => i + 1))}`
      : '';
    sections.push(`<section id="segments"><h2>Segments</h2><figure>${renderChart(s.size_chart)}</figure><div class="grid">${cards}</div>${comparison}${validation}${base}${priorities}${migration}</section>`);
  }

  if (r.crosstabs.length || r.drivers) {
    nav.push(['analysis', 'Cross-tabs and drivers']);
    const ct = r.crosstabs.length
      ? table(['Rows', 'Columns', 'n', 'χ² (df)', 'p', "Cramér's V", 'Stands out'], r.crosstabs.map((c) => [esc(c.rows), esc(c.columns), String(c.n), `${readable(c.chi_square)} (${c.df})`, pValue(c.p), readable(c.cramers_v), esc(c.headline)]), [2, 4, 5])
      : '';
    const drivers = r.drivers
      ? `<h3>Drivers of ${esc(r.drivers.outcome)}</h3>${r.drivers.chart ? `<figure>${renderChart(r.drivers.chart)}</figure>` : ''}
${table(['Driver', 'r', 'p', 'Share of R²'], r.drivers.top.map((d) => [esc(d.driver), readable(d.r), pValue(d.p), d.share === null ? '–' : percent(d.share)]), [1, 2, 3])}${r.drivers.warnings.map((w) => `<p class="cite">${esc(w)}</p>`).join('')}`
      : '';
    sections.push(`<section id="analysis"><h2>Notable cross-tabs and drivers</h2>${ct}${drivers}</section>`);
  }

  if (s) {
    nav.push(['appendix', 'Appendix']);
    const keys = ['k', 'inertia', 'silhouette', 'calinski_harabasz', 'davies_bouldin', 'stability', 'min_jaccard', 'smallest_segment'];
    sections.push(`<section id="appendix"><h2>Appendix: method</h2><p>Segmentation ${s.segmentation_id} (${esc(s.method)}), created ${esc(s.created_at)}.</p>
${s.appendix.features.length ? `<p><strong>Features / rules:</strong> ${esc(s.appendix.features.join(', '))}</p>` : ''}
<p><strong>Parameters:</strong> <code>${esc(JSON.stringify(s.appendix.parameters))}</code></p>
${s.appendix.diagnostics.length ? table(keys, s.appendix.diagnostics.map((d) => keys.map((k) => esc(readable(d[k])))), keys.map((_, i) => i)) : ''}
${s.appendix.recommendation ? `<p><strong>Choice of k:</strong> ${esc(s.appendix.recommendation)}</p>` : ''}
${s.appendix.warnings.length || s.appendix.notes.length ? `<ul>${[...s.appendix.warnings.map((w) => `Warning: ${w}`), ...s.appendix.notes].map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : ''}</section>`);
  }

  const missing = notShown(r);
  if (missing.length) {
    nav.push(['not-shown', 'Not shown']);
    sections.push(`<section id="not-shown"><h2>Not shown</h2><ul>${missing.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></section>`);
  }

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(r.study.name)} — segmentation report</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${esc(r.study.name)}</h1>
<p class="lede">Customer segmentation report · study ${r.study.study_id}${s ? ` · segmentation ${s.segmentation_id}` : ''} · generated ${esc(r.generated_at.slice(0, 16).replace('T', ' '))} UTC</p>
<nav>${nav.map(([id, label]) => `<a href="#${id}">${label}</a>`).join('')}</nav>
${sections.join('\n')}
<footer>Generated by seglab. Every figure comes from the study's data; persona claims cite participant ids.</footer>
</main>
</body>
</html>
`;
}
