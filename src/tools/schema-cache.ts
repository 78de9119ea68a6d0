/**
 * The SDK converts every tool's zod schemas to JSON Schema on each tools/list (~50 ms for the
 * whole catalog, which start-up would pay). The checked-in schemas/ (kept equal to the zod code
 * by a test) are read once per process instead; validation still runs on the zod schema.
 */
import { readFileSync } from 'node:fs';
import type * as z from 'zod';

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

/** The schema as the SDK sees it, with its JSON Schema computed once or read from schemas/. */
export function withCachedJsonSchema(schema: z.ZodObject, tool: string, io: 'input' | 'output'): z.ZodObject {
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
