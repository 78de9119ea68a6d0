/**
 * Worker entry for a large cluster_participants (clustering.ts): the whole clustering with its own
 * connection to the database (SQLite or PostgreSQL) — reading and encoding the facts, the k-means
 * jobs (on this worker's own pool), the diagnostics, describing the segments — then, at its turn,
 * saving it.
 */
import { closePool } from '../compute/kmeans-pool.js';
import { checkpointWal } from '../store/db.js';
import { connectStore, type Store } from '../store/index.js';
import { clusterInThisThread, type ClusterRequest, type ClusterResult } from './clustering.js';
import { workerSide } from './worker-call.js';

const side = workerSide<ClusterRequest, ClusterResult>();
let store: Store | null = null;
try {
  store = await connectStore(side.job.database);
  const progress = async (done: number, total: number, message: string) => side.progress(done, total, message, true);
  const result = await clusterInThisThread(store, side.job.request, { progress }, async () => side.waitForTurn());
  await store.withSqlite?.((sqlite) => checkpointWal(sqlite.db));
  side.done(result);
} catch (error) {
  side.failed(error);
} finally {
  await store?.close();
  await closePool();
}
