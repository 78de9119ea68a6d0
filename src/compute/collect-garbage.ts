/**
 * A full garbage collection, for worker threads that know when a phase's memory became garbage
 * (V8 collects when its heuristics say, by which time a phase's leftovers have grown the heap).
 * `gc` is exposed for new contexts by the flag, and taken from one.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null = null;

export function collectGarbage(): void {
  if (gc === null) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
