/** How a tool result is measured against the output budget, and the guard every tool call passes. */
import type { CallToolResult } from '@modelcontextprotocol/server';
import { RESULT_BUDGET } from '../domain/budget.js';
import type { Logger } from '../log.js';
import { errorResult } from './tool-errors.js';

export { RESULT_BUDGET };

/**
 * Characters of a result as a client hands it to the model: the text and resource-link blocks and
 * structuredContent, as JSON. Images are counted by clients as images, not text (at most 12 a call).
 */
export function resultChars(result: Pick<CallToolResult, 'content' | 'structuredContent'>): number {
  const content = (result.content ?? []).filter((block) => block.type !== 'image');
  return JSON.stringify({ content, structuredContent: result.structuredContent }).length;
}

/**
 * The last line of defence: results are shaped to fit by design (and a test calls every tool at
 * its worst), so a result over budget is a bug. It is logged and answered with an error that asks
 * for a narrower call, instead of flooding the client's context.
 */
export function withinBudget(tool: { name: string; writes: boolean }, result: CallToolResult, log: Logger): CallToolResult {
  const chars = resultChars(result);
  if (chars < RESULT_BUDGET) return result;
  log.error(`${tool.name}: result of ${chars} characters is over the ${RESULT_BUDGET}-character budget`);
  return errorResult(
    `The result of ${tool.name} would be ${chars.toLocaleString('en')} characters, over the ${RESULT_BUDGET.toLocaleString('en')}-character output budget, so it is not shown.${tool.writes ? ' What the call saved stays saved.' : ''} Narrow the call (a smaller limit, fewer questions or fields, one segment) and try again.`,
  );
}
