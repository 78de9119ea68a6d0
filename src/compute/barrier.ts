/**
 * A reusable barrier for worker threads over a shared Int32Array of 3 cells (Atomics): the
 * workers of a split loop meet here before and after each step. Any thread can abort it, which
 * makes every waiter throw instead of waiting for a worker that failed.
 */
const ARRIVED = 0;
const GENERATION = 1;
const ABORTED = 2;

export function newBarrier(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
}

/** Waits until all `count` workers have arrived; throws when the barrier was aborted. */
export function arriveAndWait(control: Int32Array, count: number): void {
  const generation = Atomics.load(control, GENERATION);
  if (Atomics.add(control, ARRIVED, 1) === count - 1) {
    Atomics.store(control, ARRIVED, 0);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
  } else {
    while (Atomics.load(control, GENERATION) === generation) Atomics.wait(control, GENERATION, generation);
  }
  if (Atomics.load(control, ABORTED)) throw new Error('another worker failed');
}

/** Releases every waiter, to fail. */
export function abortBarrier(control: Int32Array): void {
  Atomics.store(control, ABORTED, 1);
  Atomics.add(control, GENERATION, 1);
  Atomics.notify(control, GENERATION);
}
