/**
 * The first line of each participant id in a file, for duplicate detection, in about 20 bytes an
 * id instead of the ~85 a Map<string, number> costs (at a million ids, the difference between
 * an import peaking above or below 300 MB). The ids' characters go into one growing Uint16Array;
 * an open-addressing table holds each id's 32-bit hash and index, and a hash match is confirmed
 * character by character, so the answer is exact.
 */
export class IdIndex {
  private chars = new Uint16Array(1 << 16);
  private used = 0;
  private starts = new Int32Array(1 << 12);
  private lines = new Int32Array(1 << 12);
  private count = 0;
  /** Slot → id index + 1 (0 = empty), and the id's hash beside it. */
  private slots = new Int32Array(1 << 13);
  private hashes = new Int32Array(1 << 13);

  get size(): number {
    return this.count;
  }

  /** The line `id` was first seen on, or undefined (and `line` is recorded as its first). */
  firstLine(id: string, line: number): number | undefined {
    const hash = hashOf(id);
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (let entry = this.slots[slot]!; entry !== 0; slot = (slot + 1) & mask, entry = this.slots[slot]!) {
      if (this.hashes[slot] === hash && this.equals(entry - 1, id)) return this.lines[entry - 1];
    }
    this.add(id, line, hash, slot);
    return undefined;
  }

  /** The line `id` was first seen on, or undefined (nothing recorded). */
  lineOf(id: string): number | undefined {
    const hash = hashOf(id);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask, entry = this.slots[slot]!; entry !== 0; slot = (slot + 1) & mask, entry = this.slots[slot]!) {
      if (this.hashes[slot] === hash && this.equals(entry - 1, id)) return this.lines[entry - 1];
    }
    return undefined;
  }

  private equals(index: number, id: string): boolean {
    const start = this.starts[index]!;
    const end = index + 1 < this.count ? this.starts[index + 1]! : this.used;
    if (end - start !== id.length) return false;
    for (let i = 0; i < id.length; i++) if (this.chars[start + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  private add(id: string, line: number, hash: number, slot: number): void {
    if (this.used + id.length > this.chars.length) this.chars = grow(this.chars, this.used + id.length);
    for (let i = 0; i < id.length; i++) this.chars[this.used + i] = id.charCodeAt(i);
    if (this.count === this.starts.length) {
      this.starts = grow(this.starts, this.count + 1);
      this.lines = grow(this.lines, this.count + 1);
    }
    this.starts[this.count] = this.used;
    this.lines[this.count] = line;
    this.used += id.length;
    this.slots[slot] = ++this.count;
    this.hashes[slot] = hash;
    // Keep the table at most half full, so probes stay short.
    if (this.count * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const hashes = new Int32Array(slots.length);
    const mask = slots.length - 1;
    for (let old = 0; old < this.slots.length; old++) {
      const entry = this.slots[old]!;
      if (entry === 0) continue;
      let slot = this.hashes[old]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry;
      hashes[slot] = this.hashes[old]!;
    }
    this.slots = slots;
    this.hashes = hashes;
  }
}

/** FNV-1a over UTF-16 code units, with a final avalanche so nearby ids spread over the table. */
export function hashOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
}

function grow<T extends Uint16Array | Int32Array>(array: T, needed: number): T {
  let length = array.length * 2;
  while (length < needed) length *= 2;
  const bigger = new (array.constructor as new (length: number) => T)(length);
  bigger.set(array);
  return bigger;
}
