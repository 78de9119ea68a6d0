/**
 * The report's worker threads (SQLite only: each worker opens the database file with a connection
 * of its own; on PostgreSQL, and for a SQLite store in memory, the report is built on one thread).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.js';
import { analysesOnWorker, analysesPart } from '../../src/report/parallel.js';
import { prioritizeSegments } from '../../src/app/prioritization.js';
import { CancelledError } from '../../src/errors.js';
import { seedSampleSegmentation, tempStore } from '../helpers/stores.js';

const store = tempStore();
let studyId: number;
let segmentationId: number;
beforeAll(async () => {
  ({ studyId, segmentationId } = await seedSampleSegmentation(store));
  await prioritizeSegments(store, { segmentationId, derive: { revenue_potential: 'attr.mrr' } });
}, 60_000);
afterAll(() => store.close());

describe('report workers (SQLite file database)', () => {
  it('computes the report on worker threads for a SQLite file, at once or in turn, with the same report as on one thread', async () => {
    const serial = await buildReport(store, studyId, segmentationId, { parallelFrom: Infinity });
    const parallel = await buildReport(store, studyId, segmentationId, { parallelFrom: 0, sequentialFrom: Infinity });
    // Large studies build the two parts in turn on one worker: the same report.
    const inTurn = await buildReport(store, studyId, segmentationId, { parallelFrom: 0, sequentialFrom: 0 });
    const { generated_at: _a, ...one } = serial;
    const { generated_at: _b, ...two } = parallel;
    const { generated_at: _c, ...three } = inTurn;
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    expect(one.drivers).not.toBeNull();
    expect(one.questions.length).toBeGreaterThan(0);
    // A worker that cannot open the file reports why instead of hanging.
    await expect(analysesOnWorker(join(tmpdir(), 'no-such-seglab.db'), analysesPart(studyId, segmentationId, 0, false))).rejects.toThrow(/report analyses: .*(unable to open|does not exist|no such file)/i);
  });

  it('ends the report workers of a SQLite file when cancelled while they build', async () => {
    // Workers at once, and one worker building both parts in turn.
    for (const sequentialFrom of [Infinity, 0]) {
      const cancel = new AbortController();
      const started = performance.now();
      const built = buildReport(store, studyId, segmentationId, { parallelFrom: 0, sequentialFrom, signal: cancel.signal });
      setTimeout(() => cancel.abort(), 20);
      await expect(built).rejects.toBeInstanceOf(CancelledError);
      // Answered at the cancellation, not when the workers would have finished.
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });
});
