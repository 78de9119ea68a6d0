/** The one place thrown errors become tool results. */
import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { clip, TEXT_BUDGET } from '../domain/budget.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';

export function errorResult(message: string): CallToolResult {
  // No structuredContent on errors: some clients validate it against the output schema. A message
  // can quote what the caller sent: it is kept to the length of a text rendering.
  return { isError: true, content: [{ type: 'text', text: clip(message, TEXT_BUDGET) }] };
}

/** Turns anything a handler throws into a message the assistant can act on; internals go to the log only. */
export function toToolError(error: unknown, log: Logger, tool: string, notify?: (level: 'error', message: string) => void): CallToolResult {
  if (error instanceof UserError) return errorResult(error.message);
  const code = (error as { code?: string })?.code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return errorResult('The database is busy: another seglab process is writing to it. Nothing was saved; try the call again in a moment.');
  }
  if (code === 'SQLITE_READONLY') return errorResult('The database file is read-only; start seglab with a writable --db path.');
  const ref = randomUUID().slice(0, 8);
  log.error(`${tool} failed (ref ${ref})`, error);
  notify?.('error', `${tool} failed with an internal error (ref ${ref}); details are in the server's stderr log.`);
  return errorResult(`Internal error in ${tool} (ref ${ref}). Nothing was saved by the failed step; the server log (stderr) has the details.`);
}
