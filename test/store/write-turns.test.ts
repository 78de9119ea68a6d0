/** WriteTurns: writers on this thread wait, without blocking, for a worker's turn to write. */
import { describe, expect, it } from 'vitest';
import { WriteTurns } from '../../src/store/write-turns.js';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WriteTurns', () => {
  it('runs turns one after another, and idle() waits for every turn taken so far', async () => {
    const turns = new WriteTurns();
    const order: string[] = [];
    await turns.idle();
    const first = turns.take(async () => {
      order.push('first starts');
      await later(30);
      order.push('first ends');
      return 1;
    });
    const second = turns.take(async () => {
      order.push('second');
      return 2;
    });
    const idle = turns.idle().then(() => order.push('idle'));
    // Meanwhile this thread is free: a timer fires before the first turn ends.
    await later(5);
    order.push('timer');
    expect(await Promise.all([first, second, idle])).toEqual([1, 2, expect.any(Number)]);
    expect(order).toEqual(['first starts', 'timer', 'first ends', 'second', 'idle']);
  });

  it('goes on after a turn that fails', async () => {
    const turns = new WriteTurns();
    const failed = turns.take(async () => {
      throw new Error('rolled back');
    });
    await expect(failed).rejects.toThrow('rolled back');
    await expect(turns.take(async () => 'next')).resolves.toBe('next');
    await turns.idle();
  });
});
