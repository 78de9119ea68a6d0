import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tools } from '../src/tools/index.js';
import { connect, type Harness } from './helpers/harness.js';
import { useTinyStudy } from './helpers/fixtures.js';

let h: Harness;
let study_id: number;
useTinyStudy((tiny) => ({ h, study_id } = tiny));

describe('tool catalog', () => {
  it('declares every tool with a description, annotations and an output schema', async () => {
    const { tools } = await h.client.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      'create_study', 'list_studies', 'get_study', 'add_questions', 'import_participants', 'set_attribute_type',
      'record_interview', 'get_participant', 'query_participants', 'summarize_questions',
      'code_themes', 'crosstab', 'driver_analysis',
      'cluster_participants', 'segment_by_rules', 'get_segmentation', 'update_segment', 'compare_segments',
      'validate_segmentation', 'prioritize_segments', 'assign_participants', 'segment_migration',
      'export_segments', 'generate_report', 'delete_participant', 'delete_study', 'manage_tokens', 'search', 'fetch',
    ]);
    for (const tool of tools) {
      expect(tool.description!.length, tool.name).toBeGreaterThan(100);
      expect(tool.description!.length, tool.name).toBeLessThanOrEqual(2048);
      expect(tool.description, tool.name).toMatch(/Use this tool when you need to/);
      expect(typeof tool.annotations?.readOnlyHint, tool.name).toBe('boolean');
      expect(tool.annotations?.openWorldHint, tool.name).toBe(false);
      if (!tool.annotations?.readOnlyHint) expect(typeof tool.annotations?.destructiveHint, tool.name).toBe('boolean');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.inputSchema, tool.name).not.toHaveProperty('anyOf');
    }
    const readOnly = tools.filter((t) => t.annotations?.readOnlyHint).map((t) => t.name);
    expect(readOnly).toEqual([
      'list_studies', 'get_study', 'get_participant', 'query_participants', 'summarize_questions',
      'crosstab', 'driver_analysis',
      'get_segmentation', 'compare_segments', 'validate_segmentation', 'segment_migration', 'search', 'fetch',
    ]);
    const destructive = tools.filter((t) => t.annotations?.destructiveHint).map((t) => t.name);
    expect(destructive).toEqual(['import_participants', 'set_attribute_type', 'record_interview', 'delete_participant', 'delete_study', 'manage_tokens']);
  });

  it('every tool has its own test file through the MCP client (test/tools/<tool-name>.test.ts)', () => {
    const missing = tools.map((t) => t.name).filter((name) => !existsSync(new URL(`tools/${name.replace(/_/g, '-')}.test.ts`, import.meta.url)));
    expect(missing).toEqual([]);
  });
});

describe('errors and logging', () => {
  it('reports completed imports through MCP logging', async () => {
    const messages: unknown[] = [];
    h.client.setNotificationHandler('notifications/message', (n) => void messages.push(n.params));
    const own = await h.ok('create_study', { name: 'Logging' });
    await h.ok('import_participants', { study_id: own.study_id, csv: 'id\nlogged\n' });
    await new Promise((r) => setTimeout(r, 20));
    expect(messages).toContainEqual(expect.objectContaining({ level: 'info', logger: 'seglab', data: expect.stringMatching(/study \d+: 1 inserted/) }));
  });

  it('turns an unexpected failure into an actionable isError result without internals', async () => {
    const broken = await connect();
    broken.store.db.close(); // every statement now throws a TypeError from better-sqlite3
    const text = await broken.fail('list_studies', {});
    expect(text).toMatch(/^Internal error in list_studies \(ref [0-9a-f]{8}\)\. Nothing was saved by the failed step; the server log \(stderr\) has the details\.$/);
    expect(text).not.toMatch(/database connection|TypeError|SQL/);
    await broken.client.close();
  });
});

describe('resources', () => {
  it('lists and reads study resources', async () => {
    const { resources } = await h.client.listResources();
    expect(resources).toContainEqual(expect.objectContaining({ uri: `seglab://studies/${study_id}`, name: 'Tiny', mimeType: 'application/json' }));
    const { resourceTemplates } = await h.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual([
      'seglab://studies/{study_id}',
      'seglab://studies/{study_id}/exports/{file}',
      'seglab://studies/{study_id}/exports/{file}/parts/{part}',
      'seglab://studies/{study_id}/participants/{participant_id}',
      'seglab://studies/{study_id}/report.html',
      'seglab://studies/{study_id}/report.json',
      'seglab://studies/{study_id}/report.md',
    ]);
    expect(resources).toContainEqual(expect.objectContaining({ uri: `seglab://studies/${study_id}/report.html`, mimeType: 'text/html' }));
    const read = await h.client.readResource({ uri: `seglab://studies/${study_id}` });
    const body = JSON.parse((read.contents[0] as { text: string }).text);
    expect(body.counts.participants).toBe(6);
    expect(read.contents[0]!.mimeType).toBe('application/json');
  });

  it('reads a participant profile with the whole transcript', async () => {
    const read = await h.client.readResource({ uri: `seglab://studies/${study_id}/participants/p2` });
    const body = JSON.parse((read.contents[0] as { text: string }).text);
    expect(body).toMatchObject({ participant_id: 'p2', transcript_truncated: false });
    expect(body.transcript).toMatch(/designers wanted the integrations/);
  });

  it('completes study and participant ids', async () => {
    const studies = await h.client.complete({ ref: { type: 'ref/resource', uri: 'seglab://studies/{study_id}' }, argument: { name: 'study_id', value: '' } });
    expect(studies.completion.values).toContain(String(study_id));
    const people = await h.client.complete({
      ref: { type: 'ref/resource', uri: 'seglab://studies/{study_id}/participants/{participant_id}' },
      argument: { name: 'participant_id', value: 'p' },
      context: { arguments: { study_id: String(study_id) } },
    });
    expect(people.completion.values).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
  });
});

describe('prompts', () => {
  it('lists described prompts and fills in their arguments', async () => {
    const { prompts } = await h.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['plan_segmentation_study', 'synthesize_findings']);
    for (const p of prompts) expect(p.description!.length).toBeGreaterThan(40);
    const plan = await h.client.getPrompt({ name: 'plan_segmentation_study', arguments: { decision: 'Which segment to upsell' } });
    expect((plan.messages[0]!.content as { text: string }).text).toMatch(/Decision the segments will inform: Which segment to upsell[\s\S]*create_study[\s\S]*add_questions/);
    const synth = await h.client.getPrompt({ name: 'synthesize_findings', arguments: { study_id: String(study_id) } });
    const synthText = (synth.messages[0]!.content as { text: string }).text;
    expect(synthText).toMatch(new RegExp(`seglab study ${study_id}`));
    // Every tool a prompt tells the assistant to call exists.
    const { tools } = await h.client.listTools();
    const named = [...synthText.matchAll(/\b([a-z]+(?:_[a-z]+)+)\b/g)].map((m) => m[1]!).filter((w) => /^(get|list|create|add|import|record|query|summarize|cluster|segment|update|compare|validate|prioritize|assign)_/.test(w));
    expect(named).toEqual(expect.arrayContaining(['cluster_participants', 'validate_segmentation', 'prioritize_segments']));
    for (const name of named) expect(tools.map((t) => t.name), name).toContain(name);
    const completion = await h.client.complete({ ref: { type: 'ref/prompt', name: 'synthesize_findings' }, argument: { name: 'study_id', value: '' } });
    expect(completion.completion.values).toContain(String(study_id));
  });
});
