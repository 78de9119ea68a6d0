// Builds the Claude Desktop bundle (.mcpb): the npm package's files (`npm pack`), its production
// dependencies from package-lock.json, and manifest.json, packed and validated by the
// @anthropic-ai/mcpb CLI. The SQLite module (better-sqlite3) is native code: the bundle only works on
// the platform, processor and Node.js major version it is packed with, and the manifest says so.
// Usage: npm run bundle [-- --out DIR]          (dist/ must be built: `npm run bundle` does it)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const mcpbCli = join(root, 'node_modules', '@anthropic-ai', 'mcpb', 'dist', 'cli', 'cli.js');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', shell: process.platform === 'win32' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Whether better-sqlite3 in `dir` loads in this Node.js (a child process, so nothing stays loaded here). */
function sqliteLoads(dir) {
  const probe = `new (require(${JSON.stringify(join(dir, 'node_modules', 'better-sqlite3'))}))(':memory:').close()`;
  return spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).status === 0;
}

/**
 * better-sqlite3's binary for this machine: the project's own build when it is the same version and
 * loads here (no second minute-long compile), otherwise compiled in the bundle.
 */
function installSqliteBinary(dir) {
  const version = (folder) => JSON.parse(readFileSync(join(folder, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).version;
  const built = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(built) && version(root) === version(dir)) {
    const target = join(dir, 'node_modules', 'better-sqlite3', 'build', 'Release');
    mkdirSync(target, { recursive: true });
    copyFileSync(built, join(target, 'better_sqlite3.node'));
    if (sqliteLoads(dir)) return 'copied from this project';
  }
  run(npm, ['rebuild', 'better-sqlite3', '--no-audit', '--no-fund'], dir);
  if (!sqliteLoads(dir)) throw new Error('better-sqlite3 was rebuilt in the bundle but still does not load.');
  return 'compiled';
}

export async function buildBundle(outDir) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
  if (manifest.version !== pkg.version) throw new Error(`manifest.json has version ${manifest.version}, package.json ${pkg.version}: make them equal.`);
  if (!existsSync(join(root, 'dist', 'cli.js'))) throw new Error('dist/ is not built: run npm run build first.');

  const staging = mkdtempSync(join(tmpdir(), 'seglab-bundle-'));
  try {
    const tarball = run(npm, ['pack', '--ignore-scripts', '--silent', '--pack-destination', staging], root).trim().split('\n').pop();
    run('tar', ['-xzf', tarball], staging);
    const app = join(staging, 'package');
    copyFileSync(join(root, 'package-lock.json'), join(app, 'package-lock.json'));
    // Production dependencies exactly as locked; better-sqlite3's compile step is done below.
    run(npm, ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], app);
    const sqlite = installSqliteBinary(app);

    // What this bundle really supports, and the tools it serves (from the built catalog).
    const { tools } = await import(pathToFileURL(join(root, 'dist', 'tools', 'index.js')).href);
    const major = Number(process.versions.node.split('.')[0]);
    delete manifest.$schema;
    manifest.tools = tools.map((tool) => ({ name: tool.name, description: tool.title }));
    manifest.compatibility = { ...manifest.compatibility, platforms: [process.platform], runtimes: { node: `>=${major}.0.0 <${major + 1}.0.0` } };
    writeFileSync(join(app, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    run(process.execPath, [mcpbCli, 'validate', join(app, 'manifest.json')], app);

    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `seglab-${pkg.version}-${process.platform}-${process.arch}-node${major}.mcpb`);
    rmSync(file, { force: true });
    run(process.execPath, [mcpbCli, 'pack', app, file], root);
    return { file, bytes: statSync(file).size, sqlite, platform: `${process.platform}-${process.arch}`, node: process.version };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: join(root, 'bundle') } } });
  const result = await buildBundle(resolve(values.out));
  process.stdout.write(
    `${result.file} (${(result.bytes / 1e6).toFixed(1)} MB; SQLite module ${result.sqlite})\n` +
      `Built for ${result.platform} with Node.js ${result.node}: it runs only there. Pack on each platform you ship to.\n`,
  );
}
