/**
 * Files seglab writes (reports, exports) and reads back, below the output folder, never through
 * a link: someone who can write into the reports folder must not turn a report into a write to
 * (or a read of) a file elsewhere. Folders below the output folder are checked with lstat and
 * refused when they are links; files are written to a new temporary name (O_CREAT|O_EXCL|
 * O_NOFOLLOW) and renamed into place, which replaces a planted link rather than writing through
 * it, and never leaves a half-written report. Files are 0600 and folders 0700: reports carry
 * participants' e-mails and words. (Node has no openat, so a folder swapped for a link between
 * the check and the write is not caught; the folder chain is the user's own.)
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';

const FILE_MODE = 0o600;
const FOLDER_MODE = 0o700;
// Windows has no O_NOFOLLOW (and creating links there needs privileges).
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** A fresh folder only this user can enter (for a database that keeps nothing, `--db :memory:`). */
export function privateTemporaryFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function refuseLink(relativePath: string): never {
  throw new UserError(`"${relativePath}" in the reports folder is a link or not a folder/file seglab wrote; it does not write or read through links. Remove it and call again.`);
}

/** The folder `<outputDir>/<parts…>`, each level created 0700 or checked to be a real folder. */
function outputFolder(outputDir: string, parts: string[], create: boolean): string | null {
  if (create) mkdirSync(outputDir, { recursive: true, mode: FOLDER_MODE });
  let dir = outputDir;
  for (let i = 0; i < parts.length; i++) {
    dir = join(dir, parts[i]!);
    const stats = lstatOrNull(dir);
    if (!stats) {
      if (!create) return null;
      try {
        mkdirSync(dir, { mode: FOLDER_MODE });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (!lstatSync(dir).isDirectory()) refuseLink(parts.slice(0, i + 1).join('/'));
      }
      continue;
    }
    if (stats.isSymbolicLink() || !stats.isDirectory()) refuseLink(parts.slice(0, i + 1).join('/'));
    // Folders made by older versions (0755) are closed to other users.
    if (create && (stats.mode & 0o077) !== 0 && stats.uid === process.getuid?.()) chmodSync(dir, FOLDER_MODE);
  }
  return dir;
}

/** Writes `<outputDir>/<relativePath>` (a `/`-separated path seglab chose); returns the file's path. */
export function writeOutputFile(outputDir: string, relativePath: string, content: string): string {
  const parts = relativePath.split('/');
  const name = parts.pop()!;
  const dir = outputFolder(outputDir, parts, true)!;
  const path = join(dir, name);
  const temporary = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW, FILE_MODE);
  try {
    writeFileSync(fd, content);
  } finally {
    closeSync(fd);
  }
  try {
    const existing = lstatOrNull(path);
    if (existing?.isDirectory()) refuseLink(relativePath);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return path;
}

/** The text of `<outputDir>/<relativePath>`, or null when there is none; never read through a link. */
export function readOutputFile(outputDir: string, relativePath: string): string | null {
  const parts = relativePath.split('/');
  parts.pop();
  const dir = outputFolder(outputDir, parts, false);
  if (dir === null) return null;
  let fd: number;
  try {
    // O_NONBLOCK: a planted FIFO must not hang the server.
    fd = openSync(join(outputDir, relativePath), constants.O_RDONLY | NO_FOLLOW | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') refuseLink(relativePath);
    throw error;
  }
  try {
    if (!fstatSync(fd).isFile()) refuseLink(relativePath);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
