import * as z from 'zod';
import { participantUri, quoteUri, reportUri, segmentUri, studyUri } from '../app/uris.js';
import { LOCAL_OWNER } from '../domain/access.js';
import { readOutputFile } from '../app/output-files.js';
import { reportFile } from '../report/write.js';
import type { SearchHit } from '../store/document-search.js';
import { clipJson, fitList } from '../domain/budget.js';
import { defineTool, readOnly } from './define.js';

const MAX_RESULTS = 20;
/** A result's title at most this long, and the results at most this much JSON (the text lists them again). */
const TITLE_CHARS = 200;
const RESULTS_CHARS = 8000;

/** Ids of search results, which fetch takes back: study:1, participant:1:c42, quote:17, segment:5:2, report:1. */
export function resultId(hit: Pick<SearchHit, 'kind' | 'study_id' | 'ref'> | { kind: 'report'; study_id: number }): string {
  if (hit.kind === 'study' || hit.kind === 'report') return `${hit.kind}:${hit.study_id}`;
  if (hit.kind === 'participant') return `participant:${hit.study_id}:${encodeURIComponent(hit.ref)}`;
  return `${hit.kind}:${hit.ref}`;
}

/** Where a result lives, as seglab:// URIs (studies, participants and reports are also MCP resources). */
export function resultUrl(kind: string, studyId: number, ref: string): string {
  if (kind === 'participant') return participantUri(studyId, ref);
  if (kind === 'report') return reportUri(studyId, 'markdown');
  if (kind === 'quote') return quoteUri(studyId, ref);
  if (kind === 'segment') return segmentUri(studyId, ...(ref.split(':') as [string, string]));
  return studyUri(studyId);
}

const result = z.object({ id: z.string().describe('Pass to fetch.'), title: z.string(), url: z.string() });

export const searchTool = defineTool({
  name: 'search',
  title: 'Search studies, participants, quotes, segments and reports',
  description: `Searches studies, participants (with what they said), quotes, segments and reports; up to ${MAX_RESULTS} results with id, title and URL; fetch reads one.
Use this tool when you need to: find evidence across studies (ChatGPT connectors call search, then fetch).`,
  input: z.object({ query: z.string().min(1).max(500).describe('Words to look for, e.g. "pricing complaints from churned customers".') }),
  output: z.object({ results: z.array(result) }),
  annotations: readOnly,
  async run({ query }, { store, files, caller }) {
    const who = caller ?? LOCAL_OWNER;
    const hits = await store.documents.search(query, who.studies, MAX_RESULTS);
    const results = hits.map((h) => ({ id: resultId(h), title: clipJson(h.title, TITLE_CHARS), url: resultUrl(h.kind, h.study_id, h.ref) }));
    // Reports: the written report of each study whose text has at least half of the query's words.
    const words = (query.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w.toLowerCase()).filter((w) => w.length > 3);
    for (const study of await store.studies.list(100, 0, who.studies)) {
      if (results.length >= MAX_RESULTS || words.length === 0) break;
      const text = readOutputFile(files.outputDir, reportFile(study.id, 'markdown'))?.toLowerCase();
      if (text === undefined) continue;
      if (words.filter((w) => text.includes(w)).length * 2 >= words.length) results.push({ id: resultId({ kind: 'report', study_id: study.id }), title: `Report: ${study.name}`, url: resultUrl('report', study.id, '') });
    }
    return { results: fitList(results, RESULTS_CHARS).items };
  },
  render: (r) => (r.results.length === 0 ? 'Nothing found. Try other words, or list_studies.' : r.results.map((x) => `- ${x.title} [${x.id}]`).join('\n')),
});
