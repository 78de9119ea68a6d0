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
  const opened = await connectStore(side.job.database);
  store = opened;
  // The save's transaction waits for the calling thread's turn to write (held until this worker has closed its connection).
  const writer: Store = {
    ...opened,
    transaction: (fn) => {
      side.waitForTurn();
      return opened.transaction(fn);
    },
  };
  const progress = async (done: number, total: number, message: string) => side.progress(done, total, message, true);
  // The k-means jobs are over: the pool's threads go before the segments are described.
  const result = await clusterInThisThread(writer, side.job.request, { progress }, () => closePool());
  await opened.withSqlite?.((sqlite) => checkpointWal(sqlite.db));
  side.done(result);
} catch (error) {
  side.failed(error);
} finally {
  await store?.close();
  await closePool();
}
