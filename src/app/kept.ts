/**
 * Figures read calls keep for later reads (segment cards, export totals, list_studies' counts), each
 * with the study's data version it was computed at. A read never waits for a write: while another
 * write is under way (an import on a worker holds the write lock) nothing is kept, and the figures are
 * computed again by the next read. Counting them again reads every participant or member (0.6–4 s at
 * 1M): a large study's are counted on a worker thread with its own connection (count-worker.ts), so
 * the read waits for an exact figure without holding other sessions' calls.
 */
import type { Store } from '../store/index.js';
import type { StudyCounts } from '../store/studies.js';
import { callOnWorker, sharedCall } from './worker-call.js';

export async function keepWhenIdle(store: Store, write: (store: Store) => Promise<void>): Promise<void> {
  if (store.writeTurns.busy()) return;
  await write(store);
}

/** A bound set by the environment variable `name` (a number ≥ 0), else `fallback`. */
export function boundFromEnv(name: string, fallback: number): number {
  const set = process.env[name];
  const value = set === undefined || set.trim() === '' ? NaN : Number(set);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/**
 * Up to this many participants a study's figures are counted on the calling thread (counting reads
 * ~1 µs a participant: ~50 ms); larger studies' on a worker. SEGLAB_COUNTS_INLINE_MAX sets another bound.
 */
export const COUNTS_INLINE_MAX = 50_000;

/**
 * Whether work that reads every participant of a study (counting them, matching an import's rows
 * against their ids and e-mails) runs on a worker: above COUNTS_INLINE_MAX (or SEGLAB_COUNTS_INLINE_MAX).
 */
export async function largeStudy(store: Store, studyId: number): Promise<boolean> {
  const bound = boundFromEnv('SEGLAB_COUNTS_INLINE_MAX', COUNTS_INLINE_MAX);
  return (await store.facts.participantCount(studyId, bound + 1)) > bound;
}

/** What count-worker.ts counts. */
export type CountRequest = { kind: 'list'; studyId: number } | { kind: 'export'; segmentationId: number; includePredicted: boolean };

export interface ListCounts {
  counts: StudyCounts;
  tags: { tag: string; count: number }[];
}

export interface ExportCounts {
  participants: number;
  without_email: number;
}

/** Counts what `request` asks on this thread. */
export async function countHere(store: Store, request: CountRequest): Promise<ListCounts | ExportCounts> {
  if (request.kind === 'list') return { counts: await store.studies.counts(request.studyId), tags: await store.studies.tagCounts(request.studyId) };
  return await store.segmentations.exportTotals(request.segmentationId, request.includePredicted);
}

/** Counts under way on a worker, by database and request: concurrent reads share one. */
const counting = new Map<string, Promise<ListCounts | ExportCounts>>();

async function counted(store: Store, studyId: number, request: CountRequest): Promise<ListCounts | ExportCounts> {
  const connection = store.connection();
  if (connection === null || !(await largeStudy(store, studyId))) return await countHere(store, request);
  return await sharedCall(counting, `${connection}\n${JSON.stringify(request)}`, () => callOnWorker<CountRequest, ListCounts | ExportCounts>('count-worker', connection, request, store.writeTurns, {}));
}

/** list_studies' counts of a study, counted now (on a worker when the study is large). */
export async function countListFacts(store: Store, studyId: number): Promise<ListCounts> {
  return (await counted(store, studyId, { kind: 'list', studyId })) as ListCounts;
}

/** A segmentation's export totals, counted now (on a worker when the study is large). */
export async function countExportTotals(store: Store, studyId: number, segmentationId: number, includePredicted: boolean): Promise<ExportCounts> {
  return (await counted(store, studyId, { kind: 'export', segmentationId, includePredicted })) as ExportCounts;
}
