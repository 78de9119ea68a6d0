/** JSON Schema of every tool's input and output, generated from the zod definitions (schemas/ holds the checked-in copy). */
import * as z from 'zod';
import { tools } from './tools/index.js';

export function toolSchemas(): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  for (const tool of tools) {
    files[`${tool.name}.input.json`] = z.toJSONSchema(tool.input, { io: 'input' });
    files[`${tool.name}.output.json`] = z.toJSONSchema(tool.output, { io: 'output' });
  }
  return files;
}
