/**
 * Figures read calls keep for later reads (segment cards, export totals, list_studies' counts), each
 * with the study's data version it was computed at. A read never waits for a write: while another
 * write is under way (an import on a worker holds the write lock) nothing is kept, and the figures are
 * computed again by the next read.
 */
import type { Store } from '../store/index.js';

export async function keepWhenIdle(store: Store, write: (store: Store) => Promise<void>): Promise<void> {
  if (store.writeTurns.busy()) return;
  await write(store);
}
