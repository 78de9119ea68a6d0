/**
 * One tool = one definition: name, description for the model, zod input and output schemas,
 * annotations, `run` (maps the arguments to one app/ call) and a text rendering of the result.
 * register.ts turns definitions into MCP tools.
 */
import type { ContentBlock, ServerContext, ToolAnnotations } from '@modelcontextprotocol/server';
import type * as z from 'zod';
import type { FileAccess } from '../app/files.js';
import type { Caller, Role } from '../domain/access.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import type { Catalog } from './toolsets.js';

/** What a tool may use. Passed in, never imported, so tests build it freely. */
export interface ToolDeps {
  store: Store;
  log: Logger;
  files: FileAccess;
  /** Who calls (tools/access.ts): decides the tools offered and is recorded with each write. Default: the local owner. */
  caller?: Caller;
  /** The tools this server offers (--toolsets, --read-only). Default: all of them. */
  catalog?: Catalog;
}

export interface ToolContext extends ToolDeps {
  request: ServerContext;
  /** Aborted when the client cancels the call (notifications/cancelled) or the server drains. */
  signal: AbortSignal | undefined;
  /** Sends a log message to the client (MCP logging) as well as stderr; never fails the call. */
  notify(level: 'info' | 'warning' | 'error', message: string): void;
  /**
   * Reports progress when the client sent a progress token, and yields to the event loop so the
   * notification goes out (and a cancellation comes in) during long CPU work. Throws if cancelled.
   */
  progress(done: number, total: number, message: string): Promise<void>;
}

export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  run(args: z.output<I>, ctx: ToolContext): ToolResult<z.input<O>> | Promise<ToolResult<z.input<O>>>;
  render(result: z.output<O>): string;
  /** The least role that may call it (default: viewer for read-only tools, editor otherwise). */
  role?: Role;
  /** What the audit log records of the arguments, when not the arguments themselves. */
  auditArguments?(args: z.output<I>): unknown;
}

/** A result with content blocks to show after the text (resource links, images). */
export class WithAttachments<T> {
  constructor(
    readonly result: T,
    readonly attachments: ContentBlock[],
  ) {}
}

export type ToolResult<T> = T | WithAttachments<T>;

/** Annotations of every tool that only reads (destructive and idempotent hints only mean something for tools that write). */
export const readOnly: ToolAnnotations = { readOnlyHint: true, openWorldHint: false };

/** Identity function: exists so TypeScript infers `run`'s argument types from the schemas. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(definition: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return definition;
}
