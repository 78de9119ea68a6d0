/**
 * The SDK converts every tool's zod schemas to JSON Schema on each tools/list (~50 ms for the
 * whole catalog, which start-up would pay). The checked-in schemas/ (kept equal to the zod code
 * by a test) are read once per process instead, and served lean (lean-schema.ts); validation
 * still runs on the zod schema.
 */
import { readFileSync } from 'node:fs';
import type * as z from 'zod';
import { leanInputSchema, leanOutputSchema } from './lean-schema.js';

const checkedIn = new Map<string, unknown>();

/** The checked-in JSON Schema of a tool, read once per process (HTTP builds a server per session). */
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

const served = new Map<string, unknown>();

/** The schema as the SDK sees it, its JSON Schema read from schemas/ (or computed once) and made lean. */
export function withCachedJsonSchema(schema: z.ZodObject, tool: string, io: 'input' | 'output'): z.ZodObject {
  const standard = schema['~standard'] as unknown as { jsonSchema: { input(o: unknown): unknown; output(o: unknown): unknown } } & Record<string, unknown>;
  const memo = new Map<string, unknown>();
  const lean = (full: unknown) => (io === 'output' ? leanOutputSchema : leanInputSchema)(full as Record<string, unknown>);
  const cached = (kind: 'input' | 'output') => (options: { target?: string } | undefined) => {
    // schemas/ holds draft 2020-12, z.toJSONSchema's default and the SDK's target.
    if (kind === io && (options?.target ?? 'draft-2020-12') === 'draft-2020-12') {
      const key = `${tool}.${io}`;
      if (!served.has(key)) served.set(key, lean(checkedInSchema(tool, io) ?? standard.jsonSchema[kind](options)));
      return structuredClone(served.get(key));
    }
    const key = `${kind}:${JSON.stringify(options)}`;
    if (!memo.has(key)) memo.set(key, standard.jsonSchema[kind](options));
    return memo.get(key);
  };
  return { '~standard': { ...standard, jsonSchema: { input: cached('input'), output: cached('output') } } } as unknown as z.ZodObject;
}
