/**
 * The JSON Schemas tools/list serves, kept lean: the catalog is read into the model's context
 * before the first call, so every character counts against the user's work (issue 12: under
 * 50,000 characters for the whole catalog). schemas/ keeps the full schemas for integrators.
 *
 * - Input schemas are served whole (the arguments and their descriptions are what the model
 *   needs to call a tool), without what says nothing to the model or repeats (leanInputSchema).
 * - Output schemas name every top-level field with its type (nullable, enum): what a result holds
 *   and what to ask for next. Nested objects and arrays are typed but not spelled out, and the
 *   per-field prose is left out: a result shows its own structure, and schemas/ has it all.
 *   A leaner schema is still one structuredContent satisfies, so clients that validate keep working.
 */

type Schema = Record<string, unknown>;

/** The keys of a JSON Schema node that say what kind of value it is. */
const TYPE_KEYS = ['type', 'enum', 'const'] as const;

/** A field's type only: its JSON types (and enum or const), nullable unions folded into one type list. */
function typeOnly(node: Schema): Schema {
  const variants = (node.anyOf ?? node.oneOf) as Schema[] | undefined;
  if (variants) {
    const types = variants.map(typeOnly);
    const plain = types.every((t) => Object.keys(t).length === 1 && t.type !== undefined);
    if (plain) {
      const list = [...new Set(types.flatMap((t) => (Array.isArray(t.type) ? (t.type as string[]) : [t.type as string])))];
      return { type: list.length === 1 ? list[0] : list };
    }
    return { anyOf: types };
  }
  const out: Schema = {};
  for (const key of TYPE_KEYS) if (node[key] !== undefined) out[key] = node[key];
  return out;
}

/** The served output schema: every top-level field with its type. */
export function leanOutputSchema(full: Schema): Schema {
  const properties = (full.properties ?? {}) as Record<string, Schema>;
  return { type: 'object', properties: Object.fromEntries(Object.entries(properties).map(([name, node]) => [name, typeOnly(node)])) };
}

/** zod's bounds of a safe integer: true of every JSON number a client sends, so they say nothing. */
const SAFE_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

/**
 * The served input schema: the whole schema (arguments, types, limits, defaults, descriptions)
 * without what says nothing to the model or repeats: the `$schema` line, zod's safe-integer bounds,
 * string property names and non-empty strings, a format's pattern, and a description repeated
 * within the schema (a shared field description is read once). Validation still runs on zod.
 */
export function leanInputSchema(full: Schema): Schema {
  const seen = new Set<string>();
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const out: Schema = {};
    for (const [key, value] of Object.entries(node as Schema)) {
      if (key === '$schema') continue;
      // A format (date-time, email) says what zod's long pattern for it spells out.
      if (key === 'pattern' && (node as Schema).format !== undefined) continue;
      if ((key === 'maximum' || key === 'minimum') && SAFE_BOUNDS.has(value as number)) continue;
      // JSON object keys are strings, and an empty string is refused with a clear error anyway.
      if (key === 'propertyNames' && JSON.stringify(value) === '{"type":"string"}') continue;
      if (key === 'minLength' && value === 1) continue;
      if (key === 'description' && typeof value === 'string') {
        if (seen.has(value)) continue;
        seen.add(value);
      }
      out[key] = walk(value);
    }
    return out;
  };
  return walk(full) as Schema;
}
