/**
 * Charts as self-contained SVG strings: no scripts, no external fonts or images, readable by
 * screen readers (role="img", <title>, <desc>). Every data point is a `.mark` element carrying
 * its value, so tests and people can check what was drawn. Colours: the Okabe–Ito palette,
 * distinguishable with the common colour-vision deficiencies.
 */
import { withoutControlCharacters } from '../domain/plain-text.js';

export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export type Chart =
  | { kind: 'bars'; id: string; title: string; subtitle?: string; format: 'percent' | 'number'; items: { label: string; value: number; note?: string }[]; max?: number }
  | { kind: 'columns'; id: string; title: string; subtitle?: string; items: { label: string; value: number }[] }
  | { kind: 'split'; id: string; title: string; subtitle?: string; parts: { label: string; value: number }[] }
  | { kind: 'stacked'; id: string; title: string; subtitle?: string; series: string[]; rows: { label: string; values: number[] }[] };

export function escapeXml(text: string): string {
  return withoutControlCharacters(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"';
const WIDTH = 640;

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function frame(chart: Chart, height: number, body: string, description: string): string {
  const titleId = escapeXml(`${chart.id}-title`);
  const descId = escapeXml(`${chart.id}-desc`);
  const subtitle = chart.subtitle ? `<text x="0" y="38" font-size="12" fill="#555">${escapeXml(truncate(chart.subtitle, 100))}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${escapeXml(chart.id)}" data-kind="${chart.kind}" role="img" aria-labelledby="${titleId} ${descId}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" ${FONT}>
<title id="${titleId}">${escapeXml(chart.title)}</title>
<desc id="${descId}">${escapeXml(description)}</desc>
<rect width="${WIDTH}" height="${height}" fill="#fff"/>
<text x="0" y="18" font-size="15" font-weight="600" fill="#111">${escapeXml(truncate(chart.title, 72))}</text>
${subtitle}
${body}
</svg>`;
}

function formatValue(value: number, format: 'percent' | 'number'): string {
  return format === 'percent' ? `${Math.round(value * 100)}%` : String(Math.round(value * 100) / 100);
}

function bars(chart: Extract<Chart, { kind: 'bars' }>): string {
  const top = chart.subtitle ? 52 : 34;
  const labelWidth = 200;
  // Room to the right of the longest bar for its value and note.
  const barWidth = WIDTH - labelWidth - (chart.items.some((i) => i.note) ? 160 : 60);
  const rowHeight = 24;
  const max = chart.max ?? Math.max(...chart.items.map((i) => i.value), chart.format === 'percent' ? 0.0001 : 1e-9);
  const body = chart.items
    .map((item, i) => {
      const y = top + i * rowHeight;
      const w = max > 0 ? Math.max(0, (item.value / max) * barWidth) : 0;
      const text = `${formatValue(item.value, chart.format)}${item.note ? ` ${item.note}` : ''}`;
      return `<text x="${labelWidth - 8}" y="${y + 15}" font-size="12" text-anchor="end" fill="#222">${escapeXml(truncate(item.label, 30))}</text>
<rect class="mark" x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowHeight - 8}" fill="${PALETTE[0]}" data-label="${escapeXml(item.label)}" data-value="${item.value}"><title>${escapeXml(`${item.label}: ${text}`)}</title></rect>
<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 15}" font-size="12" fill="#222">${escapeXml(text)}</text>`;
    })
    .join('\n');
  return frame(chart, top + chart.items.length * rowHeight + 8, body, chart.items.map((i) => `${i.label}: ${formatValue(i.value, chart.format)}`).join('; '));
}

function columns(chart: Extract<Chart, { kind: 'columns' }>): string {
  const top = chart.subtitle ? 52 : 34;
  const plotHeight = 150;
  const n = chart.items.length;
  const gap = 6;
  const colWidth = Math.max(8, Math.min(48, (WIDTH - 20 - gap * n) / Math.max(1, n)));
  const max = Math.max(1, ...chart.items.map((i) => i.value));
  const body = chart.items
    .map((item, i) => {
      const h = (item.value / max) * plotHeight;
      const x = 10 + i * (colWidth + gap);
      const y = top + plotHeight - h;
      return `<rect class="mark" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${colWidth.toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[0]}" data-label="${escapeXml(item.label)}" data-value="${item.value}"><title>${escapeXml(`${item.label}: ${item.value}`)}</title></rect>
<text x="${(x + colWidth / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" font-size="11" text-anchor="middle" fill="#222">${item.value}</text>
<text x="${(x + colWidth / 2).toFixed(1)}" y="${top + plotHeight + 16}" font-size="11" text-anchor="middle" fill="#444">${escapeXml(truncate(item.label, 8))}</text>`;
    })
    .join('\n');
  const axis = `<line x1="6" x2="${WIDTH - 6}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="#bbb"/>`;
  return frame(chart, top + plotHeight + 28, `${axis}\n${body}`, chart.items.map((i) => `${i.label}: ${i.value}`).join('; '));
}

function split(chart: Extract<Chart, { kind: 'split' }>): string {
  const top = chart.subtitle ? 52 : 34;
  const total = chart.parts.reduce((s, p) => s + p.value, 0) || 1;
  let x = 0;
  const width = WIDTH - 2;
  const body = chart.parts
    .map((part, i) => {
      const w = (part.value / total) * width;
      const share = `${Math.round((part.value / total) * 100)}%`;
      const mark = `<rect class="mark" x="${(1 + x).toFixed(1)}" y="${top}" width="${w.toFixed(1)}" height="28" fill="${PALETTE[i % PALETTE.length]}" data-label="${escapeXml(part.label)}" data-value="${part.value}"><title>${escapeXml(`${part.label}: ${part.value} (${share})`)}</title></rect>
${w > 60 ? `<text x="${(1 + x + 8).toFixed(1)}" y="${top + 19}" font-size="12" fill="#fff" font-weight="600">${escapeXml(`${truncate(part.label, 14)} ${share}`)}</text>` : ''}`;
      x += w;
      return mark;
    })
    .join('\n');
  const legend = chart.parts.map((p, i) => `<rect x="${i * 150}" y="${top + 38}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${i * 150 + 14}" y="${top + 47}" font-size="11" fill="#333">${escapeXml(`${truncate(p.label, 14)}: ${p.value}`)}</text>`).join('\n');
  return frame(chart, top + 56, `${body}\n${legend}`, chart.parts.map((p) => `${p.label}: ${p.value}`).join('; '));
}

function stacked(chart: Extract<Chart, { kind: 'stacked' }>): string {
  const perLine = 4;
  const legendLines = Math.ceil(chart.series.length / perLine);
  const top = (chart.subtitle ? 52 : 34) + 16 * legendLines + 4;
  const labelWidth = 160;
  const width = WIDTH - labelWidth - 10;
  const rowHeight = 24;
  const legend = chart.series
    .map((s, i) => {
      const x = (i % perLine) * 160;
      const y = top - 16 * (legendLines - Math.floor(i / perLine)) - 2;
      return `<rect x="${x}" y="${y}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${x + 14}" y="${y + 9}" font-size="11" fill="#333">${escapeXml(truncate(s, 22))}</text>`;
    })
    .join('\n');
  const body = chart.rows
    .map((row, r) => {
      const y = top + r * rowHeight;
      const total = row.values.reduce((s, v) => s + v, 0) || 1;
      let x = labelWidth;
      const parts = row.values
        .map((v, i) => {
          const w = (v / total) * width;
          const mark = `<rect class="mark" x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowHeight - 8}" fill="${PALETTE[i % PALETTE.length]}" data-label="${escapeXml(`${row.label} / ${chart.series[i]}`)}" data-value="${v}"><title>${escapeXml(`${row.label}, ${chart.series[i]}: ${Math.round((v / total) * 100)}%`)}</title></rect>`;
          x += w;
          return mark;
        })
        .join('');
      return `<text x="${labelWidth - 8}" y="${y + 15}" font-size="12" text-anchor="end" fill="#222">${escapeXml(truncate(row.label, 24))}</text>${parts}`;
    })
    .join('\n');
  return frame(chart, top + chart.rows.length * rowHeight + 8, `${legend}\n${body}`, chart.rows.map((r) => `${r.label}: ${r.values.join('/')}`).join('; '));
}

export function renderChart(chart: Chart): string {
  switch (chart.kind) {
    case 'bars':
      return bars(chart);
    case 'columns':
      return columns(chart);
    case 'split':
      return split(chart);
    case 'stacked':
      return stacked(chart);
  }
}
