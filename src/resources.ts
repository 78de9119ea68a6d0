/**
 * The MCP resources: a study (as get_study), a participant's whole profile, and the latest
 * report in each format, with completion of their ids.
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/server';
import { participantProfile } from './app/participants.js';
import { REPORT_FORMATS, REPORT_MIME, type ReportFormat } from './app/report-formats.js';
import { studyDetail } from './app/studies.js';
import { PARTICIPANT_URI_TEMPLATE, reportUri, reportUriTemplate, STUDY_URI_TEMPLATE, studyUri } from './app/uris.js';
import { LOCAL_OWNER, mayUseStudy } from './domain/access.js';
import { UserError } from './errors.js';
import { readReport } from './report/write.js';
import type { ToolDeps } from './tools/define.js';

/** Studies listed by a resources/list (the newest are found through list_studies). */
const LISTED_STUDIES = 100;

function json(uri: URL, value: unknown) {
  return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] };
}

function studyIdOf(variables: Record<string, string | string[]>): number {
  const raw = String(variables.study_id ?? '');
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new UserError(`"${raw}" is not a study id.`);
  return id;
}

export function registerResources(server: McpServer, { store, files, log, caller = LOCAL_OWNER }: ToolDeps): void {
  // A caller limited to some studies lists, completes and reads only those.
  const openStudy = (variables: Record<string, string | string[]>) => {
    const id = studyIdOf(variables);
    if (!mayUseStudy(caller, id)) throw new UserError(`Study ${id} is not open to "${caller.name}".`);
    return id;
  };
  const completeStudy = { study_id: (value: string) => store.studies.completeStudyIds(value).filter((id) => mayUseStudy(caller, Number(id))) };

  server.registerResource(
    'study',
    new ResourceTemplate(STUDY_URI_TEMPLATE, {
      list: () => ({ resources: store.studies.list(LISTED_STUDIES, 0, caller.studies).map((s) => ({ uri: studyUri(s.id), name: s.name, mimeType: 'application/json' })) }),
      complete: completeStudy,
    }),
    { title: 'Study', description: 'A study: design, questions, counts, composition and readiness checklist (as get_study).', mimeType: 'application/json' },
    (uri, variables) => json(uri, studyDetail(store, openStudy(variables))),
  );

  server.registerResource(
    'participant',
    new ResourceTemplate(PARTICIPANT_URI_TEMPLATE, {
      list: undefined,
      complete: {
        ...completeStudy,
        participant_id: (value, context) => {
          const id = Number(context?.arguments?.study_id);
          return Number.isInteger(id) && id > 0 && mayUseStudy(caller, id) ? store.participants.completeIds(id, value) : [];
        },
      },
    }),
    { title: 'Participant profile', description: "A participant's full profile with the whole transcript (as get_participant).", mimeType: 'application/json' },
    (uri, variables) => json(uri, participantProfile(store, openStudy(variables), decodeURIComponent(String(variables.participant_id)), { fullTranscript: true })),
  );

  for (const format of Object.keys(REPORT_FORMATS) as ReportFormat[]) {
    server.registerResource(
      `report-${REPORT_FORMATS[format]}`,
      new ResourceTemplate(reportUriTemplate(format), {
        list: () => ({ resources: store.studies.list(LISTED_STUDIES, 0, caller.studies).map((s) => ({ uri: reportUri(s.id, format), name: `${s.name} — report (${format})`, mimeType: REPORT_MIME[format] })) }),
        complete: completeStudy,
      }),
      { title: `Study report (${format})`, description: `The study's latest report as ${format} (generate_report refreshes it; generated on first read).`, mimeType: REPORT_MIME[format] },
      async (uri, variables) => ({ contents: [{ uri: uri.href, mimeType: REPORT_MIME[format], text: await readReport(store, files.outputDir, openStudy(variables), format, { log }) }] }),
    );
  }
}
