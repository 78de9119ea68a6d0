/**
 * Worker entry for counting a large study's kept figures again (kept.ts: list_studies' counts, export
 * totals) with its own connection (SQLite or PostgreSQL), so the calling thread keeps answering other
 * sessions meanwhile. It only reads; the caller keeps what it counted.
 */
import { connectStore, type Store } from '../store/index.js';
import { countHere, type CountRequest, type ExportCounts, type ListCounts } from './kept.js';
import { workerSide } from './worker-call.js';

const side = workerSide<CountRequest, ListCounts | ExportCounts>();
let store: Store | null = null;
try {
  store = await connectStore(side.job.database);
  side.done(await countHere(store, side.job.request));
} catch (error) {
  side.failed(error);
} finally {
  await store?.close();
}
