// Shared helpers for the benchmarks: seeded data, timing, peak memory, child processes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const quick = process.argv.includes('--quick');

/** Alternating rounds per comparison: `--rounds N`, 1 with --quick, else `full`. */
export function rounds(full) {
  const at = process.argv.indexOf('--rounds');
  return at >= 0 ? Math.max(1, Number(process.argv[at + 1]) || 1) : quick ? 1 : full;
}
export const workDir = join(tmpdir(), 'seglab-bench');
mkdirSync(workDir, { recursive: true });

/** The project's seeded generator (bench/run.mjs builds dist/ first). */
export { seededRandom as random } from '../dist/domain/random.js';

/** A word generator drawing from `vocabulary` by Zipf's law (rank r has weight 1 / r^s), as speech does. */
export function zipf(rnd, vocabulary, s = 1.1) {
  const cdf = new Float64Array(vocabulary.length);
  for (let r = 0, sum = 0; r < vocabulary.length; r++) cdf[r] = sum += 1 / (r + 1) ** s;
  return () => {
    const u = rnd() * cdf[cdf.length - 1];
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo];
  };
}

/** Standard normal by Box–Muller. */
export function normal(rnd) {
  const u = 1 - rnd();
  const v = rnd();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Peak resident memory of this process so far, in MB (Linux VmHWM). */
export function peakMb() {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024;
  } catch {
    return null;
  }
}

/** Runs a command, returns its stdout, its peak RSS and its CPU time (user + system, ms) via /usr/bin/time when present. */
export function run(command, args, options = {}) {
  const timed = existsSync('/usr/bin/time');
  const result = timed
    ? spawnSync('/usr/bin/time', ['-f', '__PEAK_KB__ %M __CPU_S__ %U %S', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, ...options })
    : spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  const peak = timed ? Number(/__PEAK_KB__ (\d+)/.exec(result.stderr)?.[1] ?? NaN) / 1024 : null;
  const cpu = timed ? /__CPU_S__ ([\d.]+) ([\d.]+)/.exec(result.stderr) : null;
  return { stdout: result.stdout, stderr: result.stderr, peakMb: peak, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : null };
}

export function hasPython(modules) {
  const r = spawnSync('/usr/bin/python3', ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  return r.status === 0;
}

export function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

export function row(cells) {
  return `| ${cells.join(' | ')} |`;
}

export const fmt = {
  s: (ms) => `${(ms / 1000).toFixed(2)} s`,
  ms: (ms) => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`,
  mb: (mb) => (mb === null || Number.isNaN(mb) ? '–' : `${Math.round(mb)} MB`),
  ratio: (a, b) => (b ? `${(a / b).toFixed(2)}×` : '–'),
};

/**
 * Another session's view of a long call: `call()` (e.g. list_studies from a second client of the
 * same server) timed with nothing else running, then repeated every 20 ms until stop(). The
 * longest call during the work, less its idle cost, is how long the work stalls other sessions.
 * Each call is timed from when it was due (20 ms after the previous answer), not from when the
 * timer got to run: a request from outside would have waited for a blocked event loop too.
 */
export async function stallProbe(call) {
  const idle = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await call();
    idle.push(performance.now() - t);
  }
  const during = [];
  let running = true;
  const loop = (async () => {
    let due = performance.now();
    while (running) {
      await call();
      during.push(performance.now() - due);
      due = performance.now() + 20;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const sorted = [...during].sort((a, b) => a - b);
      return { idle_ms: median(idle.slice(1)), longest_ms: sorted.at(-1), p99_ms: sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))], median_ms: median(during), probes: during.length };
    },
  };
}
