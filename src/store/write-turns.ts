/**
 * Writes to one database file take turns between this thread and the worker threads it starts
 * (a large import writes on a worker, with its own connection). SQLite has one writer at a time,
 * and a write on this thread while a worker holds the lock would wait inside busy_timeout, which
 * blocks the event loop and so every session of the process: writers wait here instead, without
 * blocking anybody (reads go on: WAL lets them read the last committed state).
 */
export class WriteTurns {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  /** Runs `work` once the turns taken before it are over; writers that come later wait for it to settle. */
  take<T>(work: () => Promise<T>): Promise<T> {
    this.waiting++;
    const turn = this.tail.then(work);
    this.tail = turn.then(
      () => void this.waiting--,
      () => void this.waiting--,
    );
    return turn;
  }

  /** Whether a turn is taken or waiting (an import may hold the write lock on a worker). */
  busy(): boolean {
    return this.waiting > 0;
  }

  /** Resolves once every turn taken so far is over (at once when none is). */
  idle(): Promise<void> {
    return this.waiting === 0 ? Promise.resolve() : this.tail;
  }
}
