/**
 * The catalog as tools/list serves it (issue 12, a lean catalog): lean schemas that still describe
 * every argument and output field, real results that satisfy them, and toolsets that cover every
 * tool once. The spawned servers with --toolsets and --read-only are in test/transport/catalog.test.ts.
 */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { toolSchemas } from '../src/schemas.js';
import { tools } from '../src/tools/index.js';
import { leanInputSchema, leanOutputSchema } from '../src/tools/lean-schema.js';
import { inCatalog, parseToolsets, TOOLSETS, TOOLSET_NAMES } from '../src/tools/toolsets.js';
import { useTinyStudy } from './helpers/fixtures.js';
import type { Harness } from './helpers/harness.js';

let h: Harness;
let study_id: number;
useTinyStudy((tiny) => ({ h, study_id } = tiny));

const full = toolSchemas() as Record<string, Record<string, any>>;

describe('the served schemas', () => {
  it('name every argument and every output field the full schemas have (the public contract)', async () => {
    const { tools: listed } = await h.client.listTools();
    for (const tool of listed) {
      expect(Object.keys(tool.inputSchema.properties ?? {}), tool.name).toEqual(Object.keys(full[`${tool.name}.input.json`]!.properties));
      expect(tool.inputSchema.required ?? [], tool.name).toEqual(full[`${tool.name}.input.json`]!.required ?? []);
      expect(Object.keys(tool.outputSchema!.properties ?? {}), tool.name).toEqual(Object.keys(full[`${tool.name}.output.json`]!.properties));
      // What the model reads once, not in every schema.
      expect(JSON.stringify(tool.inputSchema), tool.name).not.toMatch(/"\$schema"|9007199254740991/);
    }
  });

  it('keep what an argument is: types, enums, limits, defaults and descriptions', () => {
    const lean = leanInputSchema(full['crosstab.input.json']!) as any;
    expect(lean.properties.bins).toMatchObject({ type: 'string', enum: ['auto', 'values', 'thirds', 'nps', 'top2'], default: 'auto' });
    expect(lean.properties.rows.description).toMatch(/attr\.<name>/);
    const record = leanInputSchema(full['record_interview.input.json']!) as any;
    expect(record.properties.interviewed_at.anyOf).toEqual([{ type: 'string', format: 'date-time' }, { type: 'string', format: 'date' }]);
    expect(record.properties.quotes.items.properties.text).toEqual({ type: 'string', maxLength: 4000, description: "The participant's words, verbatim." });
    // A description shared by two fields of one schema is given once.
    const query = JSON.stringify(leanInputSchema(full['query_participants.input.json']!));
    expect(query.split('answer.<key>:<option> (a ranking option').length - 1).toBe(1);
  });

  it('are satisfied by real results, as a client that validates structuredContent checks them', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const { tools: listed } = await h.client.listTools();
    const schemaOf = (name: string) => listed.find((t) => t.name === name)!.outputSchema!;
    const calls: [string, Record<string, unknown>][] = [
      ['get_study', { study_id }],
      ['summarize_questions', { study_id }],
      ['query_participants', { study_id, limit: 3 }],
      ['crosstab', { study_id, rows: 'tag', columns: 'status' }],
    ];
    for (const [name, args] of calls) {
      const validate = ajv.compile(schemaOf(name));
      expect(validate(await h.ok(name, args)), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    // Nullable fields are typed as such.
    expect(leanOutputSchema(full['export_segments.output.json']!)).toMatchObject({ properties: { path: { type: ['string', 'null'] }, format: { type: 'string', enum: ['csv', 'json'] } } });
  });
});

describe('toolsets', () => {
  it('hold every tool exactly once', () => {
    const grouped = Object.values(TOOLSETS).flat();
    expect([...grouped].sort()).toEqual(tools.map((t) => t.name).sort());
    expect(new Set(grouped).size).toBe(grouped.length);
  });

  it('narrow the catalog by name and to read-only tools', () => {
    const offered = (toolsets: (typeof TOOLSET_NAMES)[number][] | null, readOnly: boolean) => tools.filter((t) => inCatalog(t, { toolsets, readOnly })).map((t) => t.name);
    expect(offered(['analysis'], false)).toEqual(['summarize_questions', 'crosstab', 'driver_analysis']);
    expect(offered(['setup'], true)).toEqual(['list_studies', 'get_study']);
    expect(offered(null, true)).toEqual(tools.filter((t) => t.annotations.readOnlyHint === true).map((t) => t.name));
    expect(offered(null, false)).toHaveLength(tools.length);
  });

  it('name the allowed toolsets when given an unknown one', () => {
    expect(parseToolsets(' analysis, segments ,analysis')).toEqual(['analysis', 'segments']);
    expect(() => parseToolsets('analysis,reporting')).toThrow(/unknown "reporting"; toolsets are setup, interviews, analysis, segments, reports, admin, search/);
    expect(() => parseToolsets(',')).toThrow(/name at least one/);
  });
});
