/** Comparing what the two engines answer: numbers to 1e-9, everything else exactly. */
import { expect } from 'vitest';

/** Numbers equal to 1e-9 (relative above 1), everything else equal; `path` names the first difference. */
export function expectClose(a: unknown, b: unknown, path: string): void {
  if (typeof a === 'number' && typeof b === 'number') return void expect(Math.abs(a - b), path).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a)));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(b).sort(), path).toEqual(Object.keys(a).sort());
    for (const key of Object.keys(a)) expectClose((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
    return;
  }
  expect(b, path).toEqual(a);
}
