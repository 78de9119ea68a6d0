/** Per-request helpers a tool's `run` receives: progress notifications and client logging. */
import type { ServerContext } from '@modelcontextprotocol/server';
import { throwIfCancelled } from '../app/call-options.js';
import type { Logger } from '../log.js';

/** A notification per 5% of the work or per this many ms, whichever comes first, and the last one. */
const PROGRESS_INTERVAL_MS = 50;

/**
 * Notifies the client of progress when it sent a progress token, yields to the event loop (so
 * the notification goes out and a cancellation comes in), and throws once the client cancelled.
 */
export function progressReporter(request: ServerContext) {
  const token = (request.mcpReq as { _meta?: { progressToken?: string | number } })._meta?.progressToken;
  let lastSent = 0;
  let lastDone = 0;
  return async (done: number, total: number, message: string) => {
    const at = Date.now();
    if (token !== undefined && (done >= total || at - lastSent >= PROGRESS_INTERVAL_MS || (done - lastDone) / total >= 0.05)) {
      lastSent = at;
      lastDone = done;
      try {
        await request.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: done, total, message } });
      } catch {
        // Progress is best effort.
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
    throwIfCancelled(request.mcpReq.signal);
  };
}

/** Logs to stderr and, best effort, to the client through MCP logging. */
export function clientLogger(request: ServerContext, log: Logger) {
  return (level: 'info' | 'warning' | 'error', message: string) => {
    (level === 'warning' ? log.warn : log[level])(message);
    // MCP logging is deprecated in 2026-07-28 and absent for some clients: best effort only.
    try {
      void request.mcpReq.log(level, message, 'seglab').catch(() => undefined);
    } catch {
      // the client did not negotiate logging
    }
  };
}
