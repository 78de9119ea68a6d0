/** A chart per structured question from its summary, and its split by segment. */
import type { QuestionSummary } from '../domain/question-stats.js';
import { decimal, percent } from '../domain/format.js';
import { NONE_OF_THESE } from '../domain/questions.js';
import type { Chart } from './charts.js';

export function questionChart(q: QuestionSummary, scale: { min: number | null; max: number | null }): { chart: Chart; headline: string } {
  const id = `q-${q.key}`;
  switch (q.type) {
    case 'scale': {
      // Every point of the scale, answered or not, so the shape is honest.
      const counts = new Map((q.distribution ?? []).map((d) => [d.value, d.count]));
      const whole = scale.min !== null && scale.max !== null && Number.isInteger(scale.min) && Number.isInteger(scale.max) && scale.max - scale.min <= 20;
      const values = whole ? Array.from({ length: scale.max! - scale.min! + 1 }, (_, i) => scale.min! + i) : [...counts.keys()];
      const items = values.map((v) => ({ label: String(v), value: counts.get(v) ?? 0 }));
      const headline = `n = ${q.n}; mean ${q.mean === null || q.mean === undefined ? '–' : decimal(q.mean)}, median ${q.median ?? '–'}${q.top2_box !== undefined && q.top2_box !== null ? `, top-2 box ${percent(q.top2_box)}` : ''}${q.nps ? `, NPS ${decimal(q.nps.score, 1)}` : ''}`;
      return { chart: { kind: 'columns', id, title: q.text, subtitle: headline, items }, headline };
    }
    case 'single_choice':
    case 'multiple_choice': {
      const items = (q.options ?? []).map((o) => ({ label: o.option, value: o.share ?? 0, note: `(${o.count})` }));
      const top = items[0];
      if (q.none_count) items.push({ label: NONE_OF_THESE, value: q.none_share ?? 0, note: `(${q.none_count})` });
      const headline = `n = ${q.n}${top ? `; most ${q.type === 'multiple_choice' ? 'chosen' : 'common'}: ${top.label} (${percent(top.value)})` : ''}${q.type === 'multiple_choice' ? ' — shares of respondents' : ''}`;
      return { chart: { kind: 'bars', id, title: q.text, subtitle: headline, format: 'percent', items, max: 1 }, headline };
    }
    case 'ranking': {
      const options = [...(q.options ?? [])].sort((a, b) => (a.mean_rank ?? 99) - (b.mean_rank ?? 99));
      const m = options.length;
      const items = options.map((o) => ({ label: o.option, value: o.mean_rank === null || o.mean_rank === undefined ? 0 : m + 1 - o.mean_rank, note: `(avg pos ${o.mean_rank === null || o.mean_rank === undefined ? '–' : decimal(o.mean_rank)}; 1st ${percent(o.first_choice_share ?? 0)})` }));
      const headline = `n = ${q.n}; ranked first on average: ${options[0]?.option ?? '–'} (average position ${options[0]?.mean_rank === null || options[0]?.mean_rank === undefined ? '–' : decimal(options[0].mean_rank)})`;
      return { chart: { kind: 'bars', id, title: q.text, subtitle: `By average position (bar = ${m} + 1 − average position); ${headline}`, format: 'number', items, max: m }, headline };
    }
    case 'yes_no': {
      const yes = q.yes_count ?? 0;
      const headline = `n = ${q.n}; yes ${q.yes_share === null || q.yes_share === undefined ? '–' : percent(q.yes_share)}${q.yes_share_ci95 ? ` (95% CI ${percent(q.yes_share_ci95.low)}–${percent(q.yes_share_ci95.high)})` : ''}`;
      return { chart: { kind: 'split', id, title: q.text, subtitle: headline, parts: [{ label: 'yes', value: yes }, { label: 'no', value: q.n - yes }] }, headline };
    }
    default:
      throw new Error(`no chart for ${q.type}`);
  }
}

export function segmentChart(q: QuestionSummary): Chart | null {
  const groups = q.groups ?? [];
  if (groups.length < 2) return null;
  const id = `q-${q.key}-by-segment`;
  switch (q.type) {
    case 'scale':
      return { kind: 'bars', id, title: q.text, subtitle: 'Mean by segment', format: 'number', items: groups.map((g) => ({ label: g.group, value: g.mean ?? 0, note: `(n = ${g.n})` })), max: Math.max(...groups.map((g) => g.mean ?? 0)) };
    case 'yes_no':
      return { kind: 'bars', id, title: q.text, subtitle: 'Share answering yes, by segment', format: 'percent', items: groups.map((g) => ({ label: g.group, value: g.yes_share ?? 0, note: `(n = ${g.n})` })), max: 1 };
    case 'single_choice':
    case 'ranking': {
      const options = (q.options ?? []).map((o) => o.option);
      const value = (g: (typeof groups)[number], option: string) => {
        const o = g.options?.find((x) => x.option === option);
        return q.type === 'ranking' ? (o?.first_choice_share ?? 0) : (o?.count ?? 0);
      };
      return { kind: 'stacked', id, title: q.text, subtitle: q.type === 'ranking' ? 'First choice, by segment' : 'Answers by segment', series: options, rows: groups.map((g) => ({ label: g.group, values: options.map((o) => value(g, o)) })) };
    }
    default:
      return null;
  }
}
