/**
 * One tool = one definition: name, description for the model, zod input and output schemas,
 * annotations, a handler returning a plain object, and a text rendering of that object.
 * `registerTools` adds the structured/text result shape and maps errors in one place.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CallToolResult, ContentBlock, McpServer, ServerContext, ToolAnnotations } from '@modelcontextprotocol/server';
import type * as z from 'zod';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';

/** What a tool may use. Passed in, never imported, so tests build it freely. */
export interface ToolDeps {
  store: Store;
  log: Logger;
  /**
   * Local files: imports (stdio may read any path; HTTP only below `importRoot`), and the folder
   * reports and exports are written to.
   */
  files: { allowAnyPath: boolean; importRoot: string | null; outputDir: string };
}

export interface ToolContext extends ToolDeps {
  request: ServerContext;
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
  run(args: z.output<I>, ctx: ToolContext): z.input<O> | Promise<z.input<O>>;
  render(result: z.output<O>): string;
  /** Content after the text: resource links, images. */
  attachments?(result: z.output<O>, args: z.output<I>, ctx: ToolDeps): ContentBlock[] | Promise<ContentBlock[]>;
}

/** Annotations of every tool that only reads. */
export const readOnly: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** Identity function: exists so TypeScript infers `run`'s argument types from the schemas. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(definition: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return definition;
}

function errorResult(message: string): CallToolResult {
  // No structuredContent on errors: some clients validate it against the output schema.
  return { isError: true, content: [{ type: 'text', text: message }] };
}

function progressReporter(request: ServerContext) {
  const token = (request.mcpReq as { _meta?: { progressToken?: string | number } })._meta?.progressToken;
  let lastSent = 0;
  let lastDone = 0;
  return async (done: number, total: number, message: string) => {
    const at = Date.now();
    // A notification per 5% of the work or per 50 ms, whichever comes first, and the last one.
    if (token !== undefined && (done >= total || at - lastSent >= 50 || (done - lastDone) / total >= 0.05)) {
      lastSent = at;
      lastDone = done;
      try {
        await request.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: done, total, message } });
      } catch {
        // Progress is best effort.
      }
    }
    await new Promise((resolve) => setImmediate(resolve));
    if (request.mcpReq.signal?.aborted) throw new UserError('Cancelled by the client; nothing was saved.');
  };
}

function clientLogger(request: ServerContext, log: Logger) {
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

/** Turns anything a handler throws into a message the assistant can act on. */
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

const checkedIn = new Map<string, unknown>();

/**
 * The checked-in JSON Schema of a tool (schemas/, kept equal to the zod definitions by a test),
 * read once per process: HTTP builds a server per session.
 */
function checkedInSchema(tool: string, io: 'input' | 'output'): unknown {
  const key = `${tool}.${io}`;
  if (!checkedIn.has(key)) {
    try {
      checkedIn.set(key, JSON.parse(readFileSync(new URL(`../../schemas/${key}.json`, import.meta.url), 'utf8')) as unknown);
    } catch {
      checkedIn.set(key, undefined);
    }
  }
  return checkedIn.get(key);
}

/**
 * The schema as the SDK sees it, with its JSON Schema computed once — or read from schemas/:
 * the SDK converts every tool's zod schemas on each tools/list (~50 ms for the whole catalog,
 * which start-up would pay). Validation still runs on the zod schema.
 */
function withCachedJsonSchema(schema: z.ZodObject, tool: string, io: 'input' | 'output'): z.ZodObject {
  const standard = schema['~standard'] as unknown as { jsonSchema: { input(o: unknown): unknown; output(o: unknown): unknown } } & Record<string, unknown>;
  const memo = new Map<string, unknown>();
  const precomputed = checkedInSchema(tool, io);
  const cached = (kind: 'input' | 'output') => (options: { target?: string } | undefined) => {
    // schemas/ holds draft 2020-12, z.toJSONSchema's default and the SDK's target.
    if (kind === io && precomputed !== undefined && (options?.target ?? 'draft-2020-12') === 'draft-2020-12') return structuredClone(precomputed);
    const key = `${kind}:${JSON.stringify(options)}`;
    if (!memo.has(key)) memo.set(key, standard.jsonSchema[kind](options));
    return memo.get(key);
  };
  return { '~standard': { ...standard, jsonSchema: { input: cached('input'), output: cached('output') } } } as unknown as z.ZodObject;
}

export function registerTools(server: McpServer, tools: readonly ToolDefinition[], deps: ToolDeps): void {
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: withCachedJsonSchema(tool.input, tool.name, 'input'),
        outputSchema: withCachedJsonSchema(tool.output, tool.name, 'output'),
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (args: unknown, request: ServerContext): Promise<CallToolResult> => {
        const notify = clientLogger(request, deps.log);
        try {
          const raw = await tool.run(args as never, { ...deps, request, notify, progress: progressReporter(request) });
          // Parse with the output schema: applies defaults and guarantees what the schema promises.
          const result = tool.output.parse(raw) as Record<string, unknown>;
          const extra = tool.attachments ? await tool.attachments(result as never, args as never, deps) : [];
          return { content: [{ type: 'text', text: tool.render(result as never) }, ...extra], structuredContent: result };
        } catch (error) {
          return toToolError(error, deps.log, tool.name, notify);
        }
      },
    );
  }
}
