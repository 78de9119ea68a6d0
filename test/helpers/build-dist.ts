/**
 * Vitest global setup: compiles src/ to dist/ before any test runs, so the tests that run dist/
 * (worker threads, the spawned stdio and HTTP servers) never run code older than src/.
 * Incremental: an unchanged tree costs a second or two.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const buildInfo = fileURLToPath(new URL('../../node_modules/.cache/seglab/tsconfig.tsbuildinfo', import.meta.url));

export default function build(): void {
  // tsc trusts its build info even when dist/ was deleted since: start over then.
  if (!existsSync(new URL('../../dist/cli.js', import.meta.url))) rmSync(buildInfo, { force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', buildInfo], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
    throw new Error(`Building dist/ failed, so no test ran:\n${output}`);
  }
}
