/**
 * CSV text → records, streamed: text arrives in chunks (a file read a megabyte at a time), so a
 * million-row export never has to sit in memory whole. Quote-aware (RFC 4180: quoted fields,
 * "" escapes, newlines inside quotes), lenient about stray quotes inside unquoted fields, and
 * each record carries the line it starts on. Lines without a quote take a fast path through
 * the engine's native indexOf/split.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { UserError } from '../errors.js';

export interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

/** A source of text that can be read more than once (imports read the file twice). */
export type TextSource = () => Iterable<string>;

export function textSource(text: string): TextSource {
  return () => normalizeLineEnds([text.replace(/^\uFEFF/, '')]);
}

/**
 * A file read in chunks and decoded as UTF-8 (fatal on invalid bytes) or Windows-1252: by path,
 * or from an open descriptor (read from the start each time, left open), so that every pass
 * reads the very file that was checked.
 */
export function fileSource(file: string | number, encoding: 'utf-8' | 'windows-1252', chunkBytes = 1 << 20): TextSource {
  return () => normalizeLineEnds(decodeFile(file, encoding, chunkBytes));
}

function* decodeFile(file: string | number, encoding: 'utf-8' | 'windows-1252', chunkBytes: number): Generator<string> {
  const fd = typeof file === 'number' ? file : openSync(file, 'r');
  let position = 0;
  try {
    // TextDecoder drops a UTF-8 byte-order mark itself.
    const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8' });
    const buffer = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const read = readSync(fd, buffer, 0, chunkBytes, position);
      if (read === 0) break;
      position += read;
      yield decoder.decode(buffer.subarray(0, read), { stream: true });
    }
    yield decoder.decode();
  } finally {
    if (typeof file !== 'number') closeSync(fd);
  }
}

/** CRLF and lone CR become LF, including a CRLF split across two chunks. */
function* normalizeLineEnds(chunks: Iterable<string>): Generator<string> {
  let carry = '';
  for (let chunk of chunks) {
    chunk = carry + chunk;
    carry = '';
    if (chunk.endsWith('\r')) {
      carry = '\r';
      chunk = chunk.slice(0, -1);
    }
    yield chunk.includes('\r') ? chunk.replace(/\r\n?/g, '\n') : chunk;
  }
  if (carry) yield '\n';
}

/** The delimiter of a header line: whichever of , ; tab occurs most outside quotes. */
export function detectDelimiter(headerLine: string): string {
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', ';', '\t']) {
    let count = 0;
    let quoted = false;
    for (const ch of headerLine) {
      if (ch === '"') quoted = !quoted;
      else if (ch === candidate && !quoted) count++;
    }
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/** The first non-blank line of a source (to detect the delimiter before parsing). */
export function firstLine(source: TextSource): string {
  let pending = '';
  for (const chunk of source()) {
    pending += chunk;
    for (const line of pending.split('\n').slice(0, -1)) if (line.trim() !== '') return line;
    pending = pending.slice(pending.lastIndexOf('\n') + 1);
  }
  return pending;
}

/** Records of a source, blank lines skipped. Throws a UserError on an unclosed quote. */
export function* csvRecords(source: TextSource, delimiter: string): Generator<CsvRecord> {
  let buffer = '';
  let pos = 0;
  let line = 1;
  for (const chunk of source()) {
    buffer = pos < buffer.length ? buffer.slice(pos) + chunk : chunk;
    pos = 0;
    // The next quote, found once and reused while lines end before it (searching from every
    // line start would rescan the rest of the chunk each time).
    let quote = buffer.indexOf('"');
    for (;;) {
      const newline = buffer.indexOf('\n', pos);
      if (newline < 0) break;
      if (quote >= 0 && quote < pos) quote = buffer.indexOf('"', pos);
      if (quote < 0 || quote > newline) {
        if (newline > pos) yield { fields: buffer.slice(pos, newline).split(delimiter), line };
        line++;
        pos = newline + 1;
        continue;
      }
      const quoted = readQuoted(buffer, pos, delimiter, false);
      if (!quoted) break; // the record continues in the next chunk
      yield { fields: quoted.fields, line };
      line += quoted.newlines;
      pos = quoted.end;
    }
  }
  // The last line, when the text does not end with a newline.
  while (pos < buffer.length) {
    const quoted = readQuoted(buffer, pos, delimiter, true);
    if (!quoted) throw new UserError(`The CSV could not be parsed (line ${line}): a quoted field is never closed. Check for an unclosed quote.`);
    if (quoted.fields.length > 1 || quoted.fields[0] !== '') yield { fields: quoted.fields, line };
    line += quoted.newlines;
    pos = quoted.end;
  }
}

/**
 * One record from `start`, with quotes. Returns null when the text ends inside it (unless
 * `final`, when an unterminated last line still counts). `end` is past the record's newline.
 */
function readQuoted(text: string, start: number, delimiter: string, final: boolean): { fields: string[]; end: number; newlines: number } | null {
  const fields: string[] = [];
  let newlines = 0;
  let p = start;
  for (;;) {
    let value = '';
    if (text[p] === '"') {
      p++;
      for (;;) {
        const close = text.indexOf('"', p);
        if (close < 0) return null;
        value += text.slice(p, close);
        for (let i = text.indexOf('\n', p); i >= 0 && i < close; i = text.indexOf('\n', i + 1)) newlines++;
        if (text[close + 1] === '"') {
          value += '"';
          p = close + 2;
          continue;
        }
        p = close + 1;
        break;
      }
    }
    // Unquoted text (or text after a closing quote, kept as written).
    let stop = p;
    while (stop < text.length && text[stop] !== delimiter && text[stop] !== '\n') stop++;
    value += text.slice(p, stop);
    fields.push(value);
    if (stop >= text.length) {
      if (!final) return null;
      return { fields, end: stop, newlines };
    }
    if (text[stop] === '\n') return { fields, end: stop + 1, newlines: newlines + 1 };
    p = stop + 1;
  }
}
