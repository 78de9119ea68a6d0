/**
 * The app layer's store on SQLite: a transaction may await between statements, and no other
 * caller's statement lands inside it (one connection serves every request of the process).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { tempStore } from '../helpers/stores.js';

const store = tempStore();
afterAll(() => store.close());

const study = (name: string) => ({ name, mode: 'hybrid' as const, probing_depth: 2 });
const names = async () => (await store.studies.list(100, 0)).map((s) => s.name);

describe('Store.transaction on SQLite', () => {
  it('keeps a write from outside out of a transaction that fails after awaiting', async () => {
    const failing = store.transaction(async (tx) => {
      await tx.studies.create(study('inside, rolled back'));
      await sleep(50);
      throw new Error('fails after the outside write was issued');
    });
    // Issued while the transaction waits: it must neither run inside it nor be lost with it.
    const outside = store.studies.create(study('outside'));
    await expect(failing).rejects.toThrow('fails after the outside write');
    expect((await outside).name).toBe('outside');
    expect(await names()).toContain('outside');
    expect(await names()).not.toContain('inside, rolled back');
  });

  it('runs transactions one after another, each seeing the last one committed', async () => {
    const counter = async (tx: Store, label: string) => {
      const before = (await tx.studies.list(100, 0)).filter((s) => s.name.startsWith('turn ')).length;
      await sleep(5);
      await tx.studies.create(study(`turn ${before} ${label}`));
    };
    await Promise.all(['a', 'b', 'c', 'd'].map((label) => store.transaction((tx) => counter(tx, label))));
    const turns = (await names()).filter((n) => n.startsWith('turn ')).map((n) => Number(n.split(' ')[1]));
    // Interleaved transactions would both read the same count; serialized ones count 0, 1, 2, 3.
    expect(turns.sort()).toEqual([0, 1, 2, 3]);
  });

  it('makes a nested transaction a savepoint: its failure undoes only its own writes', async () => {
    await store.transaction(async (tx) => {
      await tx.studies.create(study('outer kept'));
      await expect(
        tx.transaction(async (inner) => {
          await inner.studies.create(study('inner undone'));
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
    });
    expect(await names()).toContain('outer kept');
    expect(await names()).not.toContain('inner undone');
  });

  it('refuses the outer store inside its own transaction instead of waiting for itself forever', async () => {
    await expect(store.transaction(async () => store.studies.create(study('through the wrong store')))).rejects.toThrow(/use the transaction store/);
    expect(await names()).not.toContain('through the wrong store');
  });
});
