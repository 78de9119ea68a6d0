/** driver_analysis through the MCP client, against SciPy / scikit-learn figures for the sample study. */
import { describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { sampleReference, useSampleSegmentation } from '../helpers/fixtures.js';

let h: Harness;
let study_id: number;
let seg: number;
useSampleSegmentation((s) => ({ h, study_id, seg } = s));

describe('driver_analysis', () => {
  it('correlations and relative weights overall and per segment', async () => {
    const r = await h.ok('driver_analysis', { study_id, outcome: 'answer.core_value_importance', segmentation_id: seg });
    const o = r.overall;
    expect(o.n_outcome).toBe(44); // the 44 completed interviews (the population rule)
    expect(o.r_squared).toBeGreaterThan(0.5);
    const shares = o.drivers.map((d: any) => d.share_of_r_squared ?? 0);
    expect(shares.reduce((s: number, x: number) => s + x, 0)).toBeCloseTo(1, 3);
    expect(o.drivers[0].driver).toBe('attr.logins_30d');
    // Pearson's r of each driver as scipy.stats.pearsonr gives it on the sample's files.
    for (const d of o.drivers) expect(d.pearson.r, d.driver).toBeCloseTo(sampleReference.drivers.pearson[d.driver].r, 3);
    expect(r.segments).toHaveLength(4);
    for (const s of r.segments) {
      expect(s.n_outcome).toBeLessThanOrEqual(12);
      expect(s.warnings.join(' ')).toMatch(/Only \d+ participants/);
      expect(s.r_squared).toBeNull(); // too few for 7 drivers
    }
  });

  it('expands choices and themes, and validates the outcome', async () => {
    const r = await h.ok('driver_analysis', { study_id, outcome: 'answer.team_usage', drivers: ['answer.primary_use_case', 'theme'], method: 'correlation' });
    expect(r.overall.drivers.some((d: any) => d.driver.startsWith('answer.primary_use_case = '))).toBe(true);
    expect(r.overall.drivers.filter((d: any) => d.driver.startsWith('answer.primary_use_case = '))).toHaveLength(3); // 4 options, least chosen is the reference
    expect(r.overall.drivers.some((d: any) => d.driver === 'theme = team_collaboration')).toBe(true);
    expect(r.overall.drivers.every((d: any) => d.relative_weight === null)).toBe(true);
    expect(await h.fail('driver_analysis', { study_id, outcome: 'attr.plan' })).toMatch(/category attribute/);
    expect(await h.fail('driver_analysis', { study_id, outcome: 'answer.core_value_importance', drivers: ['answer.core_value_importance'] })).toMatch(/is the outcome/);
  });
});
