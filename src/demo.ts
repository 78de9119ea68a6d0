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

    heading('Done');
    print(`The study is stored in ${db}. Connect Claude, Cursor or VS Code to \`seglab serve --db ${db}\` to explore it.`);
  } finally {
    await client.close();
  }
}
