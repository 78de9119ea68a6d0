import { describe, expect, it } from 'vitest';
import { hashOf, IdIndex } from '../../src/ingest/id-index.js';

describe('IdIndex (first line of each id)', () => {
  it('answers as a Map would, over 200,000 ids with repeats, odd characters and hash collisions', () => {
    const index = new IdIndex();
    const reference = new Map<string, number>();
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const pool = ['', 'a', 'A', 'Zoë', '🙂', 'id with spaces', 'ID-0001', 'id-0001'];
    for (let line = 2; line < 200_002; line++) {
      // Mostly fresh ids, some repeats of earlier ones, a few special ones.
      const r = random();
      const id = r < 0.8 ? `C${Math.floor(random() * 1e9).toString(36)}` : r < 0.98 ? `C${Math.floor(random() * 1000)}` : pool[Math.floor(random() * pool.length)]!;
      const expected = reference.get(id);
      if (expected === undefined) reference.set(id, line);
      expect(index.firstLine(id, line)).toBe(expected);
    }
    expect(index.size).toBe(reference.size);
    // lineOf looks up without recording.
    for (const [id, line] of [...reference].slice(0, 2000)) expect(index.lineOf(id)).toBe(line);
    expect(index.lineOf('never-seen')).toBeUndefined();
    expect(index.size).toBe(reference.size);
    // 32-bit hashes of ~180,000 distinct ids collide a few times: answers stayed exact anyway.
    expect(reference.size).toBeGreaterThan(150_000);
  });

  it('tells apart two different ids with the same hash', () => {
    // Birthday search for a real 32-bit collision.
    const byHash = new Map<number, string>();
    let pair: [string, string] | null = null;
    for (let i = 0; pair === null; i++) {
      const id = `P${i}`;
      const other = byHash.get(hashOf(id));
      if (other !== undefined) pair = [other, id];
      else byHash.set(hashOf(id), id);
    }
    const index = new IdIndex();
    expect(index.firstLine(pair[0], 2)).toBeUndefined();
    expect(index.firstLine(pair[1], 3)).toBeUndefined();
    expect(index.firstLine(pair[1], 4)).toBe(3);
    expect(index.firstLine(pair[0], 5)).toBe(2);
  });
});
