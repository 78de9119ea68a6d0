/**
 * A cancellation a worker thread can see while it runs synchronously: an AbortSignal cannot cross
 * threads and a message is read only when the worker's loop yields, but a shared integer is read
 * at any time.
 */

/** A shared flag set to 1 when `signal` aborts (pass it to the worker). */
export function cancelFlag(signal: AbortSignal | undefined): Int32Array {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  if (signal?.aborted) flag[0] = 1;
  else signal?.addEventListener('abort', () => Atomics.store(flag, 0, 1), { once: true });
  return flag;
}

export function raised(flag: Int32Array): boolean {
  return Atomics.load(flag, 0) !== 0;
}
