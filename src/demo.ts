/**
 * `seglab demo`: starts `seglab serve` as a child process over stdio and drives the sample
 * study through the MCP client, the way an assistant would, printing what a researcher wants
 * to see. Not the stdio server itself, so it may write to stdout.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const dataDir = fileURLToPath(new URL('../data/sample-study/', import.meta.url));
const cli = fileURLToPath(new URL('./cli.js', import.meta.url));

interface SampleInterview {
  participant_id: string;
  status: string;
  interviewed_at: string;
  answers: { question: string; value: unknown }[];
  transcript: { speaker: string; text: string }[];
  quotes: { text: string; question?: string; themes?: string[] }[];
  themes: { code: string; quote?: string }[];
  notes?: string;
}

function print(text = ''): void {
  process.stdout.write(`${text}\n`); // eslint-disable-line -- the demo runs in its own process, never beside the stdio server
}

function heading(text: string): void {
  print(`\n━━ ${text} ${'━'.repeat(Math.max(0, 72 - text.length))}`);
}

export async function runDemo(options: { db?: string | undefined }): Promise<void> {
  const db = options.db ?? join(mkdtempSync(join(tmpdir(), 'seglab-demo-')), 'demo.db');
  const transport = new StdioClientTransport({ command: process.execPath, args: [cli, 'serve', '--db', db], env: { ...process.env, SEGLAB_LOG: 'warn' } as Record<string, string>, stderr: 'inherit' });
  const client = new Client({ name: 'seglab-demo', version: '1.0.0' });
  const started = performance.now();
  await client.connect(transport);

  const call = async (name: string, args: Record<string, unknown>): Promise<{ text: string; data: any }> => {
    const result: any = await client.callTool({ name, arguments: args });
    const text = result.content?.[0]?.text ?? '';
    if (result.isError) throw new Error(`${name} failed: ${text}`);
    return { text, data: result.structuredContent };
  };

  try {
    const { tools } = await client.listTools();
    heading(`seglab demo — connected over stdio in ${Math.round(performance.now() - started)} ms`);
    print(`Server tools (${tools.length}): ${tools.map((t) => t.name).join(', ')}`);
    print(`Database: ${db}`);

    const sample = JSON.parse(readFileSync(join(dataDir, 'study.json'), 'utf8')) as { study: Record<string, unknown>; questions: Record<string, unknown>[] };
    heading('1. create_study');
    const created = await call('create_study', sample.study);
    print(created.text);
    const study_id = created.data.study_id as number;

    heading('2. add_questions');
    print((await call('add_questions', { study_id, questions: sample.questions })).text);

    heading('3. import_participants (CRM export with attributes and lifecycle tags)');
    print((await call('import_participants', { study_id, path: join(dataDir, 'participants.csv') })).text);

    heading('4. record_interview × 46');
    const interviews = JSON.parse(readFileSync(join(dataDir, 'interviews.json'), 'utf8')) as SampleInterview[];
    const t0 = performance.now();
    let warnings = 0;
    for (const interview of interviews) {
      const { data } = await call('record_interview', { study_id, ...interview });
      warnings += (data.warnings as string[]).length;
    }
    print(`Recorded ${interviews.length} interviews in ${Math.round(performance.now() - t0)} ms (${warnings} with warnings, e.g. partial interviews missing required answers).`);

    heading('5. get_study — is the study sound?');
    print((await call('get_study', { study_id })).text);

    heading('6. query_participants — "Show me everyone who mentioned pricing"');
    print((await call('query_participants', { study_id, text: 'price OR pricing OR cheaper', limit: 5 })).text);

    heading('   "Churned customers who rank price first"');
    print((await call('query_participants', { study_id, where: [{ field: 'tag', op: 'eq', value: 'churned' }, { field: 'answer.buying_factors', op: 'eq', value: 'price' }], include: ['attr.mrr'] })).text);

    heading('   "Who rates the core value below 5?"');
    print((await call('query_participants', { study_id, where: [{ field: 'answer.core_value_importance', op: 'lt', value: 5 }], include: ['attr.logins_30d'], limit: 8 })).text);

    heading('7. summarize_questions — the structured anchors');
    print((await call('summarize_questions', { study_id, questions: ['core_value_importance', 'primary_use_case', 'buying_factors', 'team_usage'] })).text);

    heading('   "Which group cares most about price?" (buying_factors by tag)');
    const byTag = await call('summarize_questions', { study_id, questions: ['buying_factors'], by: 'tag' });
    const rows = (byTag.data.questions[0].groups as { group: string; n: number; options: { option: string; first_choice_share: number; mean_rank: number | null }[] }[])
      .map((g) => ({ group: g.group, n: g.n, price: g.options.find((o) => o.option === 'Price')! }))
      .sort((a, b) => b.price.first_choice_share - a.price.first_choice_share);
    for (const r of rows) print(`  ${r.group.padEnd(18)} n=${String(r.n).padStart(2)}  price ranked first by ${String(Math.round(r.price.first_choice_share * 100)).padStart(3)}%  (mean rank ${r.price.mean_rank ?? '–'})`);

    heading('8. get_participant — one profile');
    const first = interviews[0]!.participant_id;
    print((await call('get_participant', { study_id, participant_id: first })).text);

    heading('9. cluster_participants — k = auto over answers and CRM behaviour');
    let updates = 0;
    const t1 = performance.now();
    const clustered: any = await client.callTool({ name: 'cluster_participants', arguments: { study_id } }, { onprogress: () => void updates++ });
    if (clustered.isError) throw new Error(clustered.content[0].text);
    print(clustered.content[0].text);
    const segmentation_id = clustered.structuredContent.segmentation_id as number;
    const truth = (JSON.parse(readFileSync(join(dataDir, 'ground-truth.json'), 'utf8')) as { archetypes: Record<string, string> }).archetypes;
    // Every member, a page at a time (a page holds what fits the output budget).
    const members: { participant_id: string; segment_id: number }[] = [];
    for (let cursor: string | undefined; ; ) {
      const page = (await call('get_segmentation', { segmentation_id, limit: 100, ...(cursor ? { cursor } : {}) })).data.members;
      members.push(...page.participants);
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    const agreement = members.filter((m) => members.every((o) => (truth[o.participant_id] === truth[m.participant_id]) === (o.segment_id === m.segment_id))).length;
    print(`(${Math.round(performance.now() - t1)} ms, ${updates} progress notifications; ${agreement} of ${members.length} participants grouped exactly as the planted archetypes)`);

    heading('10. update_segment — name each segment for its behaviour, with a playbook');
    // What an assistant does after reading the profiles: name by the defining behaviour.
    const personas: [RegExp, string, Record<string, string>][] = [
      [/ranks Support higher/, 'The Struggler', { product: 'Setup wizard and import templates', customer_success: 'Call in week one; a named person until first value', marketing: 'Onboarding webinars, not feature tours' }],
      [/ranks Price higher/, 'The Pragmatist', { product: 'A survey-only plan', marketing: 'Lead with price and the one job it does', sales: 'Self-serve; no demo needed' }],
      [/ranks Trust higher|evaluation_days: \d/, 'The Evaluator', { sales: 'Security pack, references and a pilot up front', marketing: 'Case studies from peers', product: 'Audit logs and certifications' }],
      [/logins_30d|mrr/, 'The Advocate', { customer_success: 'Expansion reviews each quarter', product: 'Deeper integrations', sales: 'Multi-team bundles' }],
    ];
    const taken = new Set<string>();
    for (const segment of clustered.structuredContent.segments as { segment_id: number; distinguishing: { description: string }[] }[]) {
      const text = segment.distinguishing.map((d) => d.description).join(' | ');
      const match = personas.find(([pattern, name]) => !taken.has(name) && pattern.test(text));
      if (!match) continue;
      taken.add(match[1]);
      print((await call('update_segment', { segmentation_id, segment_id: segment.segment_id, name: match[1], playbook: match[2] })).text);
    }

    heading('11. compare_segments — "which segment cares most about price?"');
    print((await call('compare_segments', { segmentation_id, a: 'The Pragmatist', limit: 8 })).text);

    heading('12. validate_segmentation — measurable, substantial, accessible, differentiable, actionable');
    print((await call('validate_segmentation', { segmentation_id })).text);

    heading('13. prioritize_segments — where to focus first');
    print(
      (
        await call('prioritize_segments', {
          segmentation_id,
          derive: { revenue_potential: 'attr.mrr', fit: 'answer.core_value_importance', acquisition_ease: '-attr.evaluation_days' },
          scores: [
            { segment: 'The Advocate', strategic_value: 8 },
            { segment: 'The Evaluator', strategic_value: 7 },
            { segment: 'The Pragmatist', strategic_value: 4 },
            { segment: 'The Struggler', strategic_value: 5 },
          ],
        })
      ).text,
    );

    heading('14. get_segmentation — a persona card built from the data');
    const card = (await call('get_segmentation', { segmentation_id, segment_id: 'The Evaluator', limit: 5 })).text;
    print(card);

    heading('15. crosstab and driver_analysis — "which segment rates the core value lowest, and does it matter?"');
    print((await call('crosstab', { study_id, rows: 'segment', columns: 'answer.core_value_importance', bins: 'thirds' })).text);
    print((await call('driver_analysis', { study_id, outcome: 'answer.core_value_importance', drivers: ['attr.logins_30d', 'attr.seats', 'attr.mrr', 'attr.pricing_page_visits_7d', 'answer.team_usage'] })).text);

    heading('16. assign_participants method crm_model — size the segments across the whole base');
    // Clustering counted the 44 completed interviews; the CRM typing model places all 48 from attributes and tags.
    const placed = await call('assign_participants', { segmentation_id, method: 'crm_model' });
    print(placed.text);
    const predictedRight = (placed.data.participants as { participant_id: string; source?: string; segment_ids: number[] }[])
      .filter((p) => p.source === 'predicted')
      .map((p) => `${p.participant_id} → ${placed.data.crm_model.base.segments.find((s: { segment_id: number }) => s.segment_id === p.segment_ids[0]).name} (planted: ${truth[p.participant_id]})`);
    print(`Predicted for those never clustered: ${predictedRight.join('; ')}`);

    heading('17. export_segments — everyone for HubSpot, observed or predicted');
    print((await call('export_segments', { segmentation_id, crm: 'hubspot', include_predicted: true })).text);

    heading('18. generate_report — Markdown, HTML and JSON');
    const report = (await call('generate_report', { study_id, segmentation_id, format: 'html' })).data;
    print(`${report.sections.length} sections, ${report.charts} charts, generated in ${report.generation_ms} ms: Markdown ${Math.round(report.bytes.markdown / 1024)} kB, HTML ${Math.round(report.bytes.html / 1024)} kB, JSON ${Math.round(report.bytes.json / 1024)} kB.`);
    print(`Report: ${report.files.html}`);

    heading('Done');
    print(`The study is stored in ${db}. To explore it from your assistant: seglab connect claude-desktop --db ${db} (or claude-code, cursor, vscode; --write merges it in).`);
  } finally {
    await client.close();
  }
}
