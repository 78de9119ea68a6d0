/**
 * The MCP resources: a study (as get_study), a participant's whole profile, and the latest
 * report in each format, with completion of their ids.
 */
import { McpServer, ProtocolError, ProtocolErrorCode, ResourceNotFoundError, ResourceTemplate } from '@modelcontextprotocol/server';
import { exportFiles, readExport } from './app/export.js';
import { participantProfile } from './app/participants.js';
import { REPORT_FORMATS, REPORT_MIME, type ReportFormat } from './app/report-formats.js';
import { studyDetail } from './app/studies.js';
import { EXPORT_PART_URI_TEMPLATE, EXPORT_URI_TEMPLATE, exportUri, PARTICIPANT_URI_TEMPLATE, reportUri, reportUriTemplate, STUDY_URI_TEMPLATE, studyUri } from './app/uris.js';
import { LOCAL_OWNER, mayUseStudy } from './domain/access.js';
import { NotFoundError, UserError } from './errors.js';
import { readReport } from './report/write.js';
import type { ToolDeps } from './tools/define.js';

/** Studies listed by a resources/list (the newest are found through list_studies). */
const LISTED_STUDIES = 100;

/** `value` as a JSON resource (never a promise: await it first). */
function json<T>(uri: URL, value: T extends PromiseLike<unknown> ? never : T) {
  return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] };
}

function studyIdOf(variables: Record<string, string | string[]>): number {
  const raw = String(variables.study_id ?? '');
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new NotFoundError(`"${raw}" is not a study id.`);
  return id;
}

/**
 * Reads a resource, answering the protocol's "resource not found" for what does not exist (an
 * unknown study, participant or file) and invalid params with the reason for a request that cannot
 * be served as asked, instead of an internal error.
 */
async function found<T>(uri: URL, read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof NotFoundError) throw new ResourceNotFoundError(uri.href, error.message);
    if (error instanceof UserError) throw new ProtocolError(ProtocolErrorCode.InvalidParams, error.message, { uri: uri.href });
    throw error;
  }
}

export function registerResources(server: McpServer, { store, files, log, caller = LOCAL_OWNER }: ToolDeps): void {
  // A caller limited to some studies lists, completes and reads only those.
  const openStudy = (variables: Record<string, string | string[]>) => {
    const id = studyIdOf(variables);
    if (!mayUseStudy(caller, id)) throw new UserError(`Study ${id} is not open to "${caller.name}".`);
    return id;
  };
  const completeStudy = { study_id: async (value: string) => (await store.studies.completeStudyIds(value)).filter((id) => mayUseStudy(caller, Number(id))) };

  server.registerResource(
    'study',
    new ResourceTemplate(STUDY_URI_TEMPLATE, {
      list: async () => ({ resources: (await store.studies.list(LISTED_STUDIES, 0, caller.studies)).map((s) => ({ uri: studyUri(s.id), name: s.name, mimeType: 'application/json' })) }),
      complete: completeStudy,
    }),
    { title: 'Study', description: 'A study: design, questions, counts, composition and readiness checklist (as get_study).', mimeType: 'application/json' },
    (uri, variables) => found(uri, async () => json(uri, await studyDetail(store, openStudy(variables)))),
  );

  server.registerResource(
    'participant',
    new ResourceTemplate(PARTICIPANT_URI_TEMPLATE, {
      list: undefined,
      complete: {
        ...completeStudy,
        participant_id: async (value, context) => {
          const id = Number(context?.arguments?.study_id);
          return Number.isInteger(id) && id > 0 && mayUseStudy(caller, id) ? await store.participants.completeIds(id, value) : [];
        },
      },
    }),
    { title: 'Participant profile', description: "A participant's full profile with the whole transcript (as get_participant).", mimeType: 'application/json' },
    (uri, variables) => found(uri, async () => json(uri, await participantProfile(store, openStudy(variables), decodeURIComponent(String(variables.participant_id)), { fullTranscript: true }))),
  );

  for (const format of Object.keys(REPORT_FORMATS) as ReportFormat[]) {
    server.registerResource(
      `report-${REPORT_FORMATS[format]}`,
      new ResourceTemplate(reportUriTemplate(format), {
        list: async () => ({ resources: (await store.studies.list(LISTED_STUDIES, 0, caller.studies)).map((s) => ({ uri: reportUri(s.id, format), name: `${s.name} — report (${format})`, mimeType: REPORT_MIME[format] })) }),
        complete: completeStudy,
      }),
      { title: `Study report (${format})`, description: `The study's latest report as ${format} (generate_report refreshes it; generated on first read).`, mimeType: REPORT_MIME[format] },
      (uri, variables) => found(uri, async () => ({ contents: [{ uri: uri.href, mimeType: REPORT_MIME[format], text: await readReport(store, files.outputDir, openStudy(variables), format, { log }) }] })),
    );
  }

  // Exports (export_segments): the whole file, or one part of a large one.
  const readExportResource = (uri: URL, variables: Record<string, string | string[]>) =>
    found(uri, async () => {
      const studyId = openStudy(variables);
      await store.studies.get(studyId);
      const part = variables.part === undefined ? undefined : Number(variables.part);
      if (part !== undefined && !(Number.isInteger(part) && part > 0)) throw new NotFoundError(`"${String(variables.part)}" is not a part number.`);
      return { contents: [{ uri: uri.href, mimeType: 'text/csv', text: readExport(files, studyId, decodeURIComponent(String(variables.file)), part) }] };
    });
  server.registerResource(
    'export',
    new ResourceTemplate(EXPORT_URI_TEMPLATE, {
      list: async () => ({
        resources: (await store.studies.list(LISTED_STUDIES, 0, caller.studies)).flatMap((s) => exportFiles(files.outputDir, s.id).map((file) => ({ uri: exportUri(s.id, file), name: `${s.name} — ${file}`, mimeType: 'text/csv' }))),
      }),
      complete: completeStudy,
    }),
    { title: 'Segment export (CSV)', description: 'A CSV export_segments wrote (a large one is read in parts: <uri>/parts/<n>).', mimeType: 'text/csv' },
    readExportResource,
  );
  server.registerResource(
    'export-part',
    new ResourceTemplate(EXPORT_PART_URI_TEMPLATE, { list: undefined, complete: completeStudy }),
    { title: 'Part of a segment export (CSV)', description: 'One part of a large export, with the header row.', mimeType: 'text/csv' },
    readExportResource,
  );
}
