/** A chart and a headline per structured question, from summaries made by the domain statistics. */
import { describe, expect, it } from 'vitest';
import { scaleStats, singleChoiceStats, type QuestionSummary } from '../../src/domain/question-stats.js';
import { questionChart, segmentChart } from '../../src/report/question-charts.js';

const summary = (key: string, type: QuestionSummary['type'], stats: object): QuestionSummary => ({ key, type, text: `Question ${key}`, ...stats }) as QuestionSummary;

describe('questionChart', () => {
  it('a 0–10 scale: every point drawn, answered or not; mean, median, top-2 box and NPS in the headline', () => {
    // 10, 10, 9, 7, 3: mean 7.8, median 9, top-2 box 3/5, NPS (3 promoters − 1 detractor) / 5 = 40.
    const q = summary('nps', 'scale', scaleStats([[10, 2], [9, 1], [7, 1], [3, 1]], { min: 0, max: 10 }));
    const { chart, headline } = questionChart(q, { min: 0, max: 10 });
    expect(headline).toBe('n = 5; mean 7.8, median 9, top-2 box 60%, NPS 40');
    expect(chart.kind === 'columns' && chart.items.map((i) => i.value)).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 2]);
  });

  it('single choice: shares of respondents, most common first', () => {
    const q = summary('use', 'single_choice', singleChoiceStats(['A', 'B', 'C'], new Map([['A', 1], ['B', 3]])));
    const { chart, headline } = questionChart(q, { min: null, max: null });
    expect(headline).toBe('n = 4; most common: B (75%)');
    expect(chart).toMatchObject({ kind: 'bars', format: 'percent', max: 1, items: [{ label: 'B', value: 0.75, note: '(3)' }, { label: 'A', value: 0.25, note: '(1)' }, { label: 'C', value: 0, note: '(0)' }] });
  });

  it('ranking: bars of m + 1 − average position; yes/no: a split with its interval', () => {
    const ranking = summary('rank', 'ranking', { n: 4, options: [{ option: 'Speed', mean_rank: 2.5, first_choice_share: 0.25 }, { option: 'Price', mean_rank: 1.5, first_choice_share: 0.75 }] });
    const r = questionChart(ranking, { min: null, max: null });
    expect(r.chart).toMatchObject({ kind: 'bars', max: 2, items: [{ label: 'Price', value: 1.5 }, { label: 'Speed', value: 0.5 }] });
    expect(r.headline).toBe('n = 4; ranked first on average: Price (average position 1.5)');
    const yesNo = questionChart(summary('team', 'yes_no', { n: 4, yes_count: 2, yes_share: 0.5, yes_share_ci95: { low: 0.15, high: 0.85 } }), { min: null, max: null });
    expect(yesNo.headline).toBe('n = 4; yes 50% (95% CI 15%–85%)');
    expect(yesNo.chart).toMatchObject({ kind: 'split', parts: [{ label: 'yes', value: 2 }, { label: 'no', value: 2 }] });
  });
});

describe('segmentChart', () => {
  it('needs two groups; a scale becomes mean bars by segment', () => {
    expect(segmentChart(summary('s', 'scale', { n: 3, groups: [{ group: 'A', n: 3, mean: 2 }] }))).toBeNull();
    expect(segmentChart(summary('s', 'scale', { n: 5, groups: [{ group: 'A', n: 3, mean: 2 }, { group: 'B', n: 2, mean: 4 }] }))).toMatchObject({ kind: 'bars', max: 4, items: [{ label: 'A', value: 2, note: '(n = 3)' }, { label: 'B', value: 4, note: '(n = 2)' }] });
  });
});
