/**
 * Seeded fuzzing of every tool through the MCP client (test/helpers/tool-fuzzer.ts). The suite
 * runs a short pass; `npm run fuzz` runs the long one (FUZZ_CALLS, FUZZ_SEED) recorded in
 * docs/hostile-input.md.
 */
import { describe, expect, it } from 'vitest';
import { tools } from '../../src/tools/index.js';
import { runToolFuzzer } from '../helpers/tool-fuzzer.js';

const calls = Number(process.env.FUZZ_CALLS ?? 500);
const seed = Number(process.env.FUZZ_SEED ?? 20261130);

describe('fuzzing every tool', () => {
  it(`${calls} random and malformed calls (seed ${seed}): clear errors only, failed calls change nothing, the database stays sound`, async () => {
    const outcome = await runToolFuzzer({ seed, calls });
    process.stderr.write(`fuzz: ${outcome.calls} calls (seed ${seed}) in ${outcome.seconds.toFixed(1)} s: ${outcome.succeeded} succeeded, ${outcome.failedCleanly} failed cleanly, ${outcome.findings.length} findings; integrity ${outcome.integrity}\n`);
    for (const f of outcome.findings.slice(0, 20)) process.stderr.write(`  #${f.index} ${f.tool} ${f.problem}: ${JSON.stringify(f.args).slice(0, 300)}\n    ${f.message}\n`);
    expect(outcome.findings).toEqual([]);
    expect(outcome.integrity).toBe('ok');
    // Every tool in the catalog was called, and both outcomes occurred.
    expect(Object.keys(outcome.perTool).sort()).toEqual(tools.map((t) => t.name).sort());
    expect(outcome.succeeded).toBeGreaterThan(0);
    expect(outcome.failedCleanly).toBeGreaterThan(calls / 4);
  }, Math.max(60_000, calls * 100));
});
