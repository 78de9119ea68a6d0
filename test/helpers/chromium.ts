/**
 * The Chromium the browser test drives: SEGLAB_CHROMIUM, else Debian's (/usr/bin/chromium). On a
 * Debian-like machine where the tests run as root and Chromium is missing, Debian's package is
 * installed here, once: a lock folder keeps two test processes from running apt at the same time,
 * and apt itself waits for a dpkg lock another install holds. Anywhere else the error names the
 * command to run. Nothing is downloaded but Debian's package (a browser build of its own would
 * not be reachable from every machine that runs these tests).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const INSTALL_COMMAND = 'sudo apt-get update && sudo apt-get install -y chromium';
const LOCK = join(tmpdir(), 'seglab-chromium-install.lock');
/** A lock older than this was left by a process that died mid-install. */
const STALE_LOCK_MS = 15 * 60_000;
/** apt-get update and installing chromium with its libraries takes a minute or two; allow for a slow mirror. */
export const CHROMIUM_INSTALL_TIMEOUT_MS = 10 * 60_000;

/** Flags Chromium needs in a sandboxed, offline container (no GPU, no background requests, root). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

interface Machine {
  /** Where a Chromium may already be. */
  candidates: string[];
  /** SEGLAB_CHROMIUM. */
  given: string | undefined;
  root: boolean;
}
const thisMachine = (): Machine => ({ candidates: CANDIDATES, given: process.env.SEGLAB_CHROMIUM, root: process.getuid?.() === 0 });

export async function chromiumExecutable({ candidates, given, root }: Machine = thisMachine()): Promise<string> {
  const installed = () => candidates.find((p) => existsSync(p));
  if (given) {
    if (!existsSync(given)) throw new Error(`SEGLAB_CHROMIUM is "${given}", and no file is there.`);
    return given;
  }
  const found = installed();
  if (found) return found;
  const apt = process.platform === 'linux' && existsSync('/usr/bin/apt-get');
  if (!root || !apt) {
    throw new Error(`The browser test needs Chromium and found none. Install Debian's: \`${INSTALL_COMMAND}\` (or set SEGLAB_CHROMIUM to a Chromium or Chrome binary).`);
  }
  await withInstallLock(installed, async () => {
    if (installed()) return; // another test process installed it while this one waited
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const options = { env, maxBuffer: 64 * 1024 * 1024 };
    // apt waits up to 5 minutes for a dpkg lock held by another install rather than failing at once.
    const lockWait = ['-o', 'DPkg::Lock::Timeout=300'];
    try {
      await run('apt-get', [...lockWait, 'update', '-qq'], options);
      await run('apt-get', [...lockWait, 'install', '-y', '-qq', 'chromium'], options);
    } catch (error) {
      const { stderr } = error as { stderr?: string };
      throw new Error(`Installing Debian's chromium for the browser test failed (\`apt-get install -y chromium\`):\n${stderr?.slice(-2000) ?? String(error)}`);
    }
  });
  const after = installed();
  if (!after) throw new Error('apt-get installed chromium, but /usr/bin/chromium is not there.');
  return after;
}

async function withInstallLock(installed: () => string | undefined, work: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + CHROMIUM_INSTALL_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK); // atomic: exactly one process creates it
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (installed()) return;
      if (Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`Waited too long for another process installing chromium (lock ${LOCK}).`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
