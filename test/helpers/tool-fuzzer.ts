/**
 * A seeded fuzzer for every tool in the catalog (src/tools/index.ts), through the MCP client:
 * random and malformed arguments (wrong types, missing and extra fields, hostile text, absurd
 * numbers, unknown ids, odd field names and operators) mixed with plausible ones that reach
 * deep code. Each call must come back as a result: a success, or an isError whose message is
 * clear (no "Internal error", stack trace, SQL, server path or file contents). A failed call
 * must change no row; at the end the database must pass `PRAGMA integrity_check`.
 */
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ZodObject } from 'zod';
import type { Logger } from '../../src/log.js';
import { tools } from '../../src/tools/index.js';
import { seedTinyStudy } from './fixtures.js';
import { connect, type Harness } from './harness.js';

export interface FuzzFinding {
  index: number;
  tool: string;
  args: unknown;
  problem: string;
  message: string;
}

export interface FuzzOutcome {
  calls: number;
  succeeded: number;
  failedCleanly: number;
  seconds: number;
  integrity: string;
  findings: FuzzFinding[];
  /** Calls per tool. */
  perTool: Record<string, number>;
}

const FUZZ_SECRET = 'fuzz-secret-7f3a9c1e5b';

const HOSTILE_TEXT = [
  '',
  ' ',
  'Alpha',
  'pricing',
  "'; DROP TABLE participants; --",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '![x](http://attacker.example/b.png)',
  '=HYPERLINK("http://evil.example")',
  'a\u0000b',
  '\u001b[31mred',
  'line\nbreak|pipe',
  '../../../../etc/passwd',
  '%s%n%x',
  '$.a"b\\c',
  'x'.repeat(5000),
  '😀👨‍👩‍👧',
  '\ud800',
  'NaN',
  '-0',
  '1e309',
];

const FIELDS = [
  'attr.plan', 'attr.mrr', 'attr.signup_date', 'attr.hubspot.stage', 'attr.', 'attr.a\\b', 'attr."x"',
  'answer.nps', 'answer.importance', 'answer.use_case', 'answer.tools', 'answer.tools:Slack', 'answer.factors:Price', 'answer.why', 'answer.', 'answer.nps:x',
  'tag', 'theme', 'status', 'segment', 'participant_id', 'email', 'name', 'text', 'bogus', '', 'attr.plan; DROP TABLE x',
];
const OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'exists', 'like', '', 'EQ'];
const QUESTION_TYPES = ['open_ended', 'scale', 'single_choice', 'multiple_choice', 'ranking', 'yes_no', 'matrix'];

/** Any JSON value, small or nested, including absurd numbers and deep nesting. */
const anyJson = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, -1, 0, 1.5, 2 ** 53, -(2 ** 31), 1e308, '', [], {}, true) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 60 }).map((depth) => Array.from({ length: depth }).reduce<unknown>((inner) => [inner], 1)) },
);
const text = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...HOSTILE_TEXT) }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) });
const id = fc.oneof({ weight: 20, arbitrary: fc.constantFrom(1, 1, 1, 2, 3) }, { weight: 2, arbitrary: fc.integer({ min: -3, max: 10 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 999_999, 2 ** 40, 1.5, -1, '1', 'abc') });
const value = fc.oneof(fc.constantFrom('pro', 'free', 'churned', 'Alpha', 'Slack', 'pricing', 'completed', 1, 5, 10, 500, true, '2026-01-01', null), fc.array(fc.constantFrom('pro', 'free', 'Alpha', 1, 2), { maxLength: 4 }), text, anyJson);
const condition = fc.record({ field: fc.oneof(fc.constantFrom(...FIELDS), text), op: fc.constantFrom(...OPS), value }, { requiredKeys: [] });
const where = fc.array(fc.oneof({ weight: 5, arbitrary: condition }, { weight: 1, arbitrary: anyJson }), { maxLength: 4 });
const question = fc.record(
  {
    key: fc.oneof(fc.constantFrom('nps', 'new_q', 'why', 'Bad Key!'), text),
    type: fc.constantFrom(...QUESTION_TYPES),
    text,
    options: fc.array(text, { maxLength: 5 }),
    scale_min: fc.integer({ min: -5, max: 5 }),
    scale_max: fc.integer({ min: -5, max: 12 }),
    max_selections: fc.integer({ min: -1, max: 4 }),
    required: fc.boolean(),
  },
  { requiredKeys: [] },
);
const answer = fc.record({ question: fc.constantFrom('why', 'importance', 'nps', 'use_case', 'tools', 'factors', 'team', 'nope'), value }, { requiredKeys: [] });
const csv = fc.oneof(
  fc.constantFrom('participant_id,email\nq1,q1@x.example\n', 'participant_id,plan\np1,pro\np1,free\n', 'id;mrr\nz9;1,5\n', 'OPENAI_API_KEY=sk-fuzz\n', 'a,b\n"unclosed\n', '\uFEFFemail\nnot-an-email\n', 'participant_id,mrr\np2,abc\n'),
  fc.array(fc.array(text, { minLength: 1, maxLength: 4 }).map((cells) => cells.join(',')), { maxLength: 5 }).map((lines) => lines.join('\n')),
);

/** A value the schema accepts, mostly (enums get one unknown option too); depth-limited. */
function fromSchema(schema: any, depth = 0): fc.Arbitrary<unknown> {
  const def = schema?.def ?? schema?._zod?.def;
  if (!def || depth > 4) return anyJson;
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
      return fromSchema(def.innerType, depth);
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, string>), 'bogus');
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'boolean':
      return fc.boolean();
    case 'number':
      return fc.oneof(fc.integer({ min: -2, max: 12 }), fc.double({ min: -10, max: 1e6, noNaN: true }));
    case 'string':
      return text;
    case 'array':
      return fc.array(fromSchema(def.element, depth + 1), { maxLength: 4 });
    case 'object':
      return fc.record(Object.fromEntries(Object.entries(def.shape as Record<string, unknown>).map(([k, v]) => [k, fromSchema(v, depth + 1)])), { requiredKeys: [] });
    case 'union':
      return fc.oneof(...(def.options as unknown[]).map((o) => fromSchema(o, depth + 1)));
    case 'record':
      return fc.dictionary(fc.oneof(text, fc.constantFrom('market_size', 'revenue_potential', 'product', 'sales')), fromSchema(def.valueType, depth + 1), { maxKeys: 3 });
    default:
      return anyJson;
  }
}

/** Plausible values by argument name (any tool); otherwise what the schema describes. */
function plausible(name: string, schema: unknown, paths: string[]): fc.Arbitrary<unknown> {
  if (name !== 'participant_id' && name !== 'participant_ids' && name !== 'id_column') {
    if (/_ids$/.test(name)) return fc.array(id, { maxLength: 3 });
    if (/(^|_)id$|^from$|^to$/.test(name)) return id;
  }
  switch (name) {
    case 'participant_id':
    case 'participant_ids':
      return fc.oneof(fc.constantFrom('p1', 'p2', 'p6', 'nobody'), text, fc.array(fc.constantFrom('p1', 'p3', 'zz'), { maxLength: 3 }));
    case 'where':
    case 'conditions':
      return where;
    case 'segments':
      return fc.array(fc.record({ name: text, where, description: text }, { requiredKeys: [] }), { maxLength: 4 });
    case 'questions':
      return fc.oneof(fc.array(question, { maxLength: 3 }), fc.array(fc.constantFrom('nps', 'why', 'nope'), { maxLength: 3 }));
    case 'answers':
      return fc.array(answer, { maxLength: 4 });
    case 'csv':
      return csv;
    case 'name':
    case 'decision':
    case 'description':
    case 'text':
    case 'notes':
    case 'narrative':
      return text;
    case 'path':
      return fc.constantFrom(...paths);
    case 'rows':
    case 'columns':
    case 'by':
    case 'outcome':
    case 'field':
      return fc.oneof(fc.constantFrom(...FIELDS), text);
    case 'drivers':
    case 'features':
    case 'include':
      return fc.array(fc.oneof(fc.constantFrom(...FIELDS), text), { maxLength: 4 });
    case 'k':
      return fc.oneof(fc.constantFrom('auto', 2, 3), fc.integer({ min: -2, max: 60 }));
    case 'limit':
      return fc.oneof(fc.integer({ min: -5, max: 500 }), fc.constantFrom(1, 20));
    case 'cursor':
      return fc.oneof(text, fc.base64String({ maxLength: 40 }));
    case 'codes':
      return fc.array(fc.record({ participant_id: fc.constantFrom('p1', 'p2', 'x'), theme: text, quote: text, question: fc.constantFrom('why', 'nope') }, { requiredKeys: [] }), { maxLength: 3 });
    case 'transcript':
      return fc.oneof(text, fc.array(fc.record({ speaker: text, text }, { requiredKeys: [] }), { maxLength: 3 }));
    case 'quotes':
    case 'themes':
      return fc.array(fc.record({ text, code: text, quote: text, question: fc.constantFrom('why', 'nope'), themes: fc.array(text, { maxLength: 2 }) }, { requiredKeys: [] }), { maxLength: 3 });
    case 'weights':
    case 'scores':
    case 'derive':
    case 'playbook':
      return fc.dictionary(fc.constantFrom('market_size', 'revenue_potential', 'accessibility', 'fit', 'urgency', 'product', 'sales', 'x'), fc.oneof(value, fc.double()), { maxKeys: 4 });
    default:
      return fromSchema(schema);
  }
}

interface FuzzCall {
  tool: string;
  args: Record<string, unknown>;
}

function callArbitrary(paths: string[]): fc.Arbitrary<FuzzCall> {
  const perTool = tools.map((tool) => {
    const shape = (tool.input as unknown as ZodObject).shape as Record<string, unknown>;
    const keys = Object.keys(shape);
    // Each argument: plausible (most often), random JSON, or left out; sometimes an extra one.
    const guided = fc
      .tuple(
        ...keys.map((key) => fc.oneof({ weight: 20, arbitrary: plausible(key, shape[key], paths).map((v) => ({ v })) }, { weight: 1, arbitrary: anyJson.map((v) => ({ v })) }, { weight: 1, arbitrary: fc.constant(null) })),
        fc.option(fc.tuple(fc.string({ maxLength: 12 }), anyJson), { freq: 8 }),
      )
      .map((parts) => {
        const extra = parts.pop() as [string, unknown] | null;
        const args: Record<string, unknown> = {};
        keys.forEach((key, i) => {
          const part = parts[i] as { v: unknown } | null;
          if (part) args[key] = part.v;
        });
        // An own property even for "__proto__", as JSON from the wire would have it.
        if (extra) Object.defineProperty(args, extra[0], { value: extra[1], enumerable: true, writable: true, configurable: true });
        return args;
      });
    const random = fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 10 })), anyJson, { maxKeys: 5 });
    return fc.oneof({ weight: 9, arbitrary: guided }, { weight: 1, arbitrary: random }).map((args) => ({ tool: tool.name, args }));
  });
  return fc.oneof(...perTool);
}

function stringsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (typeof value === 'number') into.push(String(value));
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, into));
  else if (value && typeof value === 'object') Object.entries(value).forEach(([k, v]) => (into.push(k), stringsIn(v, into)));
  return into;
}

/** What is wrong with an error message, if anything (the caller's own input, echoed, is fine). */
function messageProblem(message: string, args: unknown, secretPaths: string[]): string | null {
  if (/Internal error/.test(message)) return 'internal error';
  if (message.includes(FUZZ_SECRET) || /sk-fuzz|OPENAI_API_KEY/.test(message) && !JSON.stringify(args).includes('OPENAI_API_KEY')) return 'file contents echoed';
  let rest = message;
  for (const s of stringsIn(args).filter((x) => x.length >= 3).sort((a, b) => b.length - a.length)) rest = rest.split(s).join('');
  if (/\n\s+at \S|\(\/[^)]*:\d+:\d+\)|\.(ts|js):\d+/.test(rest)) return 'stack trace';
  if (/\b(SELECT|INSERT INTO|DELETE FROM|CREATE TABLE|json_extract|SQLITE_\w+|sqlite|no such (table|column)|syntax error|constraint failed)\b/i.test(rest)) return 'SQL in message';
  rest = rest.replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '');
  if (secretPaths.some((p) => rest.includes(p)) || /(^|[\s"'(])\/(tmp|work|home|root|usr|proc|etc|var)\/\S+/.test(rest)) return 'path in message';
  return null;
}

function rowCounts(h: Harness): Record<string, number> {
  const db = h.store.db;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT count(*) FROM "${t.replace(/"/g, '""')}"`).pluck().get() as number]));
}

export async function runToolFuzzer({ seed, calls }: { seed: number; calls: number }): Promise<FuzzOutcome> {
  const files = mkdtempSync(join(tmpdir(), 'seglab-fuzz-'));
  writeFileSync(join(files, '.env'), `OPENAI_API_KEY=sk-fuzz-${FUZZ_SECRET}\nSECRET_TOKEN=${FUZZ_SECRET}\n`);
  writeFileSync(join(files, 'ok.csv'), 'participant_id,email,plan\nf1,f1@x.example,pro\nf2,f2@x.example,free\n');
  process.env.SEGLAB_FUZZ_SECRET = FUZZ_SECRET;
  const paths = [join(files, '.env'), join(files, 'ok.csv'), '/proc/self/environ', '/etc/passwd', '/dev/zero', '/nonexistent/x.csv', files, '../../../etc/shadow', ''];
  const logged: string[] = [];
  const log: Logger = { debug() {}, info() {}, warn() {}, error: (message, extra) => logged.push(`${message}: ${(extra as Error)?.stack ?? String(extra)}`) };
  const h = await connect({ log });
  const findings: FuzzFinding[] = [];
  const perTool: Record<string, number> = {};
  let succeeded = 0;
  let failedCleanly = 0;
  const started = performance.now();
  try {
    const study_id = await seedTinyStudy(h);
    await h.ok('create_study', { name: 'Empty' });
    await h.ok('segment_by_rules', { study_id, segments: [{ name: 'Pro', where: [{ field: 'attr.plan', op: 'eq', value: 'pro' }] }], rest_name: 'Others' });
    await h.ok('cluster_participants', { study_id, k: 2, seed: 1 });
    const plan = fc.sample(callArbitrary(paths), { seed, numRuns: calls });
    const secretPaths = [files, h.outputDir, process.cwd()];
    for (let index = 0; index < plan.length; index++) {
      const { tool, args } = plan[index]!;
      perTool[tool] = (perTool[tool] ?? 0) + 1;
      const before = rowCounts(h);
      const errorsBefore = logged.length;
      let result: any;
      try {
        result = await h.call(tool, args);
      } catch (error) {
        findings.push({ index, tool, args, problem: 'call threw instead of returning a result', message: String((error as Error).message) });
        continue;
      }
      const message: string = result.content?.find((c: any) => c.type === 'text')?.text ?? '';
      if (process.env.FUZZ_TRACE) process.stderr.write(`${tool} ${result.isError ? 'ERR' : 'ok'} ${message.split('\n')[0]!.slice(0, 160)}\n`);
      if (!result.isError) {
        succeeded++;
        if (!result.structuredContent) findings.push({ index, tool, args, problem: 'success without structuredContent', message: message.slice(0, 300) });
        if (JSON.stringify(result).includes(FUZZ_SECRET)) findings.push({ index, tool, args, problem: 'file contents in a result', message: message.slice(0, 300) });
        continue;
      }
      const problem = messageProblem(message, args, secretPaths);
      if (problem) findings.push({ index, tool, args, problem, message: `${message.slice(0, 300)}${logged.length > errorsBefore ? `\n  log: ${logged.slice(errorsBefore).join('\n')}`.slice(0, 1500) : ''}` });
      else failedCleanly++;
      const after = rowCounts(h);
      const changed = Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
      if (changed.length) findings.push({ index, tool, args, problem: `failed call changed rows in ${changed.join(', ')}`, message: message.slice(0, 300) });
    }
    // Still serving after all of it.
    await h.ok('list_studies', {});
    const integrity = (h.store.db.prepare('PRAGMA integrity_check').pluck().all() as string[]).join('; ');
    const foreignKeys = h.store.db.prepare('PRAGMA foreign_key_check').all();
    if (foreignKeys.length) findings.push({ index: -1, tool: '-', args: null, problem: 'foreign key violations', message: JSON.stringify(foreignKeys).slice(0, 300) });
    return { calls: plan.length, succeeded, failedCleanly, seconds: (performance.now() - started) / 1000, integrity, findings, perTool };
  } finally {
    await h.close();
  }
}
