/**
 * How the app layer reaches the SQLite engine: every store method as a promise, and write
 * transactions that may await between statements without another request's statements landing
 * inside them (one better-sqlite3 connection serves every request of the process).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** `T`'s methods, each returning a promise of what it returned. */
export type Async<T> = { readonly [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never };

/**
 * One transaction at a time on the connection; calls from outside it wait until it ends.
 * A call made from inside a transaction through the outer store (not the transaction's) would
 * wait for itself forever: it throws instead, naming the mistake.
 */
export class TransactionGate {
  private tail: Promise<void> = Promise.resolve();
  private active: object | null = null;
  private readonly context = new AsyncLocalStorage<object>();

  /**
   * Runs the synchronous `statements` once no transaction is open. The check and the run sit in
   * one continuation: nothing can open a transaction between them.
   */
  async outside<T>(statements: () => T): Promise<T> {
    if (this.active !== null && this.context.getStore() === this.active) {
      throw new Error('The store was used inside its own transaction: use the transaction store passed to the callback.');
    }
    while (this.active !== null) await this.tail;
    return statements();
  }

  /** Runs `fn` once every earlier transaction has finished, with calls from outside held back meanwhile. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    const token = {};
    this.active = token;
    try {
      return await this.context.run(token, fn);
    } finally {
      this.active = null;
      release();
    }
  }
}

/** `target`'s methods as promises; each waits for `gate` first unless `gate` is null (inside a transaction). */
export function asyncView<T extends object>(target: T, gate: TransactionGate | null): Async<T> {
  const methods = new Map<PropertyKey, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy(target, {
    get(object, key) {
      const value = Reflect.get(object, key) as unknown;
      if (typeof value !== 'function') return undefined;
      let method = methods.get(key);
      if (!method) {
        const fn = value as (...args: unknown[]) => unknown;
        method = gate ? (...args) => gate.outside(() => fn.apply(object, args)) : async (...args) => fn.apply(object, args);
        methods.set(key, method);
      }
      return method;
    },
  }) as unknown as Async<T>;
}
