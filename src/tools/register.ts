/** Registers tool definitions on an McpServer: the structured + text result shape, errors mapped in one place. */
import type { CallToolResult, McpServer, ServerContext } from '@modelcontextprotocol/server';
import type { Store } from '../store/index.js';
import { admit, offeredTools, recordWrite } from './access.js';
import { withinBudget } from './budget.js';
import { WithAttachments, type ToolDefinition, type ToolDeps } from './define.js';
import { clientLogger, progressReporter } from './request-context.js';
import { withCachedJsonSchema } from './schema-cache.js';
import { toToolError } from './tool-errors.js';

export function registerTools(server: McpServer, tools: readonly ToolDefinition[], deps: ToolDeps): void {
  for (const tool of offeredTools(tools, deps.caller, deps.catalog)) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: withCachedJsonSchema(tool.input, tool.name, 'input'),
        outputSchema: withCachedJsonSchema(tool.output, tool.name, 'output'),
        // The title is the tool's own (MCP 2025-06-18); not repeated in the annotations.
        annotations: tool.annotations,
      },
      async (args: unknown, request: ServerContext): Promise<CallToolResult> => {
        const notify = clientLogger(request, deps.log);
        try {
          await admit(tool, args as Record<string, unknown>, deps.store, deps.caller);
          // A write waits (without blocking other sessions) while a worker writes this database
          // (the server that only explains why the database cannot open has no store).
          if (!tool.annotations.readOnlyHint) await (deps.store as Store | undefined)?.writeTurns.idle();
          const returned = await tool.run(args as never, { ...deps, request, signal: request.mcpReq.signal, notify, progress: progressReporter(request) });
          const [raw, extra] = returned instanceof WithAttachments ? [returned.result, returned.attachments] : [returned, []];
          // Parse with the output schema: applies defaults and guarantees what the schema promises.
          const result = tool.output.parse(raw) as Record<string, unknown>;
          await recordWrite(tool, args as Record<string, unknown>, result, deps.store, deps.caller);
          return withinBudget({ name: tool.name, writes: tool.annotations.readOnlyHint !== true }, { content: [{ type: 'text', text: tool.render(result as never) }, ...extra], structuredContent: result }, deps.log);
        } catch (error) {
          return toToolError(error, deps.log, tool.name, notify);
        }
      },
    );
  }
}
