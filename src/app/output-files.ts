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
import { chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
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
  const file = startOutputFile(outputDir, relativePath);
  try {
    file.append(content);
  } catch (error) {
    file.abandon();
    throw error;
  }
  return file.finish();
}

/**
 * Writes `<outputDir>/<relativePath>` from chunks `produce` appends (a large export is written a
 * batch at a time, read from the store between chunks, instead of built in memory), with the same
 * guarantees as writeOutputFile: no link followed, and the file replaced only once complete.
 * Returns the file's path.
 */
export async function writeOutputFileInChunks(outputDir: string, relativePath: string, produce: (append: (chunk: string) => void) => Promise<void>): Promise<string> {
  const file = startOutputFile(outputDir, relativePath);
  try {
    await produce(file.append);
  } catch (error) {
    file.abandon();
    throw error;
  }
  return file.finish();
}

/** A temporary file beside `relativePath` (never through a link) that replaces it once finished. */
function startOutputFile(outputDir: string, relativePath: string) {
  const parts = relativePath.split('/');
  const name = parts.pop()!;
  const dir = outputFolder(outputDir, parts, true)!;
  const path = join(dir, name);
  const temporary = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW, FILE_MODE);
  let open = true;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    append: (chunk: string) => writeFileSync(fd, chunk),
    abandon() {
      close();
      rmSync(temporary, { force: true });
    },
    finish(): string {
      try {
        close();
        const existing = lstatOrNull(path);
        if (existing?.isDirectory()) refuseLink(relativePath);
        renameSync(temporary, path);
      } catch (error) {
        rmSync(temporary, { force: true });
        throw error;
      }
      return path;
    },
  };
}

/** The names of the files in `<outputDir>/<folder>` ending with `suffix` (none when there is no such folder); never through a link. */
export function listOutputFiles(outputDir: string, folder: string, suffix: string): string[] {
  const dir = outputFolder(outputDir, folder.split('/'), false);
  if (dir === null) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => entry.name)
    .sort();
}

/** The text of `<outputDir>/<relativePath>`, or null when there is none; never read through a link. */
export function readOutputFile(outputDir: string, relativePath: string): string | null {
  return withOutputFile(outputDir, relativePath, (fd) => readFileSync(fd, 'utf8'));
}

/** The bytes of `<outputDir>/<relativePath>` in the given [start, end) ranges, joined, as text; null when there is no such file. */
export function readOutputFileRanges(outputDir: string, relativePath: string, ranges: readonly (readonly [number, number])[]): string | null {
  return withOutputFile(outputDir, relativePath, (fd) => {
    const buffers = ranges.map(([start, end]) => {
      const buffer = Buffer.alloc(end - start);
      readSync(fd, buffer, 0, buffer.length, start);
      return buffer;
    });
    return Buffer.concat(buffers).toString('utf8');
  });
}

/** The size in bytes of `<outputDir>/<relativePath>`, or null when there is none. */
export function outputFileSize(outputDir: string, relativePath: string): number | null {
  return withOutputFile(outputDir, relativePath, (fd) => fstatSync(fd).size);
}

/** Opens `<outputDir>/<relativePath>` for reading, never through a link, and hands it to `use`; null when there is none. */
function withOutputFile<T>(outputDir: string, relativePath: string, use: (fd: number) => T): T | null {
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
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

/** Removes `<outputDir>/<relativePath>` if it is there (a link is removed itself, never what it points to). */
export function removeOutputFile(outputDir: string, relativePath: string): void {
  const parts = relativePath.split('/');
  const name = parts.pop()!;
  const dir = outputFolder(outputDir, parts, false);
  if (dir !== null) rmSync(join(dir, name), { force: true });
}
