import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The compiled script of a worker living beside the calling module: `<dir>/<name>.js`. Under
 * the test runner the caller is TypeScript in src/, and Node cannot run a .ts worker, so the
 * same path under dist/ is used (vitest's global setup builds dist/ first).
 */
export function workerScript(callerUrl: string, name: string): string {
  const caller = fileURLToPath(callerUrl);
  if (!caller.endsWith('.ts')) return join(dirname(caller), `${name}.js`);
  const src = caller.slice(0, caller.lastIndexOf(`${sep}src${sep}`) + 1 + 'src'.length);
  return join(dirname(src), 'dist', relative(src, dirname(caller)), `${name}.js`);
}

