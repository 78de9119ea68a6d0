/**
 * createServer: an McpServer with every tool and resource, built from its dependencies.
 * No environment, no process: the CLI, the HTTP sessions and the tests all call this.
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/server';
import { readFileSync } from 'node:fs';
import { UserError } from './errors.js';
import { registerPrompts } from './prompts.js';
import { MIME, readReport, REPORT_FORMATS, type ReportFormat } from './report/write.js';
import { profile } from './tools/get-participant.js';
import { studyDetail } from './tools/studies.js';
import type { ToolDeps } from './tools/define.js';
import { registerTools } from './tools/register.js';
import { tools } from './tools/index.js';

export const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const INSTRUCTIONS = `seglab is a customer-segmentation research workbench.
Workflow: create_study → add_questions → import_participants → record_interview (code_themes) → query_participants / summarize_questions / crosstab / driver_analysis → cluster_participants or segment_by_rules → get_segmentation → update_segment (names, playbooks) → validate_segmentation → prioritize_segments → generate_report / export_segments.
get_study shows a study's questions, attributes and what it still lacks (30–50 interviews, structured questions, churned and expanded customers).
Question keys and attribute names from get_study are the fields of query_participants and summarize_questions (answer.<key>, attr.<name>, tag, theme, status).`;

function json(uri: URL, value: unknown) {
  return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] };
}

function studyIdOf(variables: Record<string, string | string[]>): number {
  const raw = String(variables.study_id ?? '');
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new UserError(`"${raw}" is not a study id.`);
  return id;
}

export function createServer(deps: ToolDeps): McpServer {
  const server = new McpServer(
    { name: 'seglab', title: 'seglab — customer segmentation research', version },
    { capabilities: { logging: {} }, instructions: INSTRUCTIONS },
  );
  registerTools(server, tools, deps);
  const { store } = deps;
  registerPrompts(server, store);

  server.registerResource(
    'study',
    new ResourceTemplate('seglab://studies/{study_id}', {
      list: () => ({
        resources: store.studies.list(100, 0).map((s) => ({ uri: `seglab://studies/${s.id}`, name: s.name, mimeType: 'application/json' })),
      }),
      complete: { study_id: (value) => store.studies.completeStudyIds(value) },
    }),
    { title: 'Study', description: 'A study: design, questions, counts, composition and readiness checklist (as get_study).', mimeType: 'application/json' },
    (uri, variables) => json(uri, studyDetail(store, studyIdOf(variables))),
  );

  server.registerResource(
    'participant',
    new ResourceTemplate('seglab://studies/{study_id}/participants/{participant_id}', {
      list: undefined,
      complete: {
        study_id: (value) => store.studies.completeStudyIds(value),
        participant_id: (value, context) => {
          const id = Number(context?.arguments?.study_id);
          return Number.isInteger(id) && id > 0 ? store.participants.completeIds(id, value) : [];
        },
      },
    }),
    { title: 'Participant profile', description: 'A participant\'s full profile with the whole transcript (as get_participant).', mimeType: 'application/json' },
    (uri, variables) => json(uri, profile(store, studyIdOf(variables), decodeURIComponent(String(variables.participant_id)), true)),
  );

  for (const format of Object.keys(REPORT_FORMATS) as ReportFormat[]) {
    const extension = REPORT_FORMATS[format];
    server.registerResource(
      `report-${extension}`,
      new ResourceTemplate(`seglab://studies/{study_id}/report.${extension}`, {
        list: () => ({
          resources: store.studies.list(100, 0).map((s) => ({ uri: `seglab://studies/${s.id}/report.${extension}`, name: `${s.name} — report (${format})`, mimeType: MIME[format] })),
        }),
        complete: { study_id: (value) => store.studies.completeStudyIds(value) },
      }),
      { title: `Study report (${format})`, description: `The study's latest report as ${format} (generate_report refreshes it; generated on first read).`, mimeType: MIME[format] },
      async (uri, variables) => ({ contents: [{ uri: uri.href, mimeType: MIME[format], text: await readReport(store, deps.files.outputDir, studyIdOf(variables), format) }] }),
    );
  }

  return server;
}
