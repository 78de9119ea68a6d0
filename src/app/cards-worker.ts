/**
 * Worker entry for rebuilding a large segmentation's segment cards (segment-cards.ts) with its own
 * connection (SQLite or PostgreSQL): reads and builds without the write lock, then, at its turn,
 * stores them at the data version read before building (a change meanwhile leaves them stale, and the
 * next read starts another rebuild).
 */
import { connectStore, type Store } from '../store/index.js';
import { rebuildCards, type CardsRequest } from './segment-cards.js';
import { workerSide } from './worker-call.js';

const side = workerSide<CardsRequest, null>();
let store: Store | null = null;
try {
  const opened = await connectStore(side.job.database);
  store = opened;
  const { segmentationId } = side.job.request;
  const segmentation = await opened.segmentations.get(segmentationId);
  const version = await opened.studies.dataVersion(segmentation.study_id);
  await rebuildCards(opened, segmentationId, version, async (save) => {
    side.waitForTurn();
    await save(opened);
  });
  side.done(null);
} catch (error) {
  side.failed(error);
} finally {
  await store?.close();
}
