/**
 * Attribute objects encoded as SQLite's JSONB (https://sqlite.org/jsonb.html) in JavaScript, so an
 * import binds each row's attributes as a ready blob: no JSON text built per row, and no jsonb()
 * parse of it in SQLite. What jsonb() would store for the same JSON: numbers as their JSON text
 * (INT or FLOAT), strings as TEXT when they need no escape, else TEXTRAW (raw UTF-8, which
 * SQLite escapes when it renders JSON), booleans as TRUE/FALSE; keys in the order given.
 */
import type { AttributeValue } from '../domain/attributes.js';

const NULL_TYPE = 0;
const TRUE = 1;
const FALSE = 2;
const INT = 3;
const FLOAT = 5;
const TEXT = 7;
const TEXTRAW = 10;
const OBJECT = 12;
/** Room for the longest header (type byte + 4-byte size). */
const MAX_HEADER = 5;

/** Whether a string can be stored as TEXT: no character JSON would escape. */
function plainText(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/** Writes one element's header for a payload of `size` bytes at `at`; returns the header's length. */
function header(buffer: Buffer, at: number, type: number, size: number): number {
  if (size <= 11) {
    buffer[at] = (size << 4) | type;
    return 1;
  }
  if (size <= 0xff) {
    buffer[at] = 0xc0 | type;
    buffer[at + 1] = size;
    return 2;
  }
  if (size <= 0xffff) {
    buffer[at] = 0xd0 | type;
    buffer.writeUInt16BE(size, at + 1);
    return 3;
  }
  buffer[at] = 0xe0 | type;
  buffer.writeUInt32BE(size, at + 1);
  return 5;
}

function headerLength(size: number): number {
  return size <= 11 ? 1 : size <= 0xff ? 2 : size <= 0xffff ? 3 : 5;
}

/**
 * Encodes objects with a fixed list of keys, one row at a time, into one reused buffer: `encode`
 * returns a view that is valid until the next call (SQLite copies a bound blob).
 */
export class JsonbObjects {
  private buffer = Buffer.allocUnsafe(1 << 16);
  private readonly labels: Buffer[];

  constructor(keys: readonly string[]) {
    this.labels = keys.map((key) => {
      const bytes = Buffer.from(key, 'utf8');
      const label = Buffer.alloc(headerLength(bytes.length) + bytes.length);
      const at = header(label, 0, plainText(key) ? TEXT : TEXTRAW, bytes.length);
      bytes.copy(label, at);
      return label;
    });
  }

  /** The object of the values present (`undefined` leaves the key out), in key order. */
  encode(values: readonly (AttributeValue | undefined)[]): Buffer {
    let at = MAX_HEADER;
    for (let k = 0; k < this.labels.length; k++) {
      const value = values[k];
      if (value === undefined) continue;
      const label = this.labels[k]!;
      const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : null;
      // Worst case: the label, a value header and three UTF-8 bytes per UTF-16 unit.
      this.reserve(at + label.length + MAX_HEADER + (text === null ? 0 : text.length * 3));
      const buffer = this.buffer;
      for (let i = 0; i < label.length; i++) buffer[at + i] = label[i]!;
      at += label.length;
      if (text === null) {
        buffer[at++] = value === true ? TRUE : value === false ? FALSE : NULL_TYPE;
        continue;
      }
      at = typeof value === 'number' ? this.number(text, at) : this.text(text, at);
    }
    const size = at - MAX_HEADER;
    const start = MAX_HEADER - headerLength(size);
    header(this.buffer, start, OBJECT, size);
    return this.buffer.subarray(start, at);
  }

  /** A number's JSON text (ASCII) as INT or FLOAT; returns the end. */
  private number(text: string, at: number): number {
    const buffer = this.buffer;
    const start = at + headerLength(text.length);
    let float = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x2e || c === 0x65 || c === 0x45) float = true;
      buffer[start + i] = c;
    }
    header(buffer, at, float ? FLOAT : INT, text.length);
    return start + text.length;
  }

  /**
   * A string as TEXT, or TEXTRAW when JSON would escape it; returns the end. ASCII (most CRM
   * values) is copied code by code; anything else goes through the UTF-8 encoder.
   */
  private text(text: string, at: number): number {
    const buffer = this.buffer;
    const start = at + headerLength(text.length);
    let plain = true;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) return this.utf8Text(text, at);
      if (c < 0x20 || c === 0x22 || c === 0x5c) plain = false;
      buffer[start + i] = c;
    }
    header(buffer, at, plain ? TEXT : TEXTRAW, text.length);
    return start + text.length;
  }

  private utf8Text(text: string, at: number): number {
    const size = Buffer.byteLength(text, 'utf8');
    at += header(this.buffer, at, plainText(text) ? TEXT : TEXTRAW, size);
    return at + this.buffer.write(text, at, 'utf8');
  }

  private reserve(bytes: number): void {
    if (bytes <= this.buffer.length) return;
    let length = this.buffer.length * 2;
    while (length < bytes) length *= 2;
    const bigger = Buffer.allocUnsafe(length);
    this.buffer.copy(bigger);
    this.buffer = bigger;
  }
}
