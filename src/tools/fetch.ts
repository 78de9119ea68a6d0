import * as z from 'zod';
import { clipJson, jsonChars } from '../domain/budget.js';
import { LOCAL_OWNER, mayUseStudy } from '../domain/access.js';
import { NotFoundError, UserError } from '../errors.js';
import { readReport } from '../report/write.js';
import { defineTool, readOnly, type ToolContext } from './define.js';
import { participantProfile } from '../app/participants.js';
import { studyDetail } from '../app/studies.js';
import { getParticipantTool } from './get-participant.js';
import { getStudyTool } from './get-study.js';
import { resultUrl } from './search.js';

/** The text is in the result twice (structured and as the text content): each copy stays under half the output budget. */
const MAX_TEXT = 8_000;

/** The text within MAX_TEXT characters of JSON (escapes counted), saying where the rest is. */
function capped(text: string, more: string): string {
  if (jsonChars(text) <= MAX_TEXT) return text;
  const head = clipJson(text, MAX_TEXT - 200);
  return `${head}\n(${text.length - head.length + 1} more characters: ${more})`;
}

interface Document {
  title: string;
  text: string;
  studyId: number;
  kind: string;
  ref: string;
  metadata: Record<string, string | number | null>;
}

async function load(kind: string, parts: string[], { store, files }: ToolContext): Promise<Document> {
  const number = (value: string | undefined) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new UserError(`id: "${value}" is not a number in this id; use an id from search.`);
    return n;
  };
  if (kind === 'study') {
    const detail = await studyDetail(store, number(parts[0]));
    return { title: `Study: ${detail.study.name}`, text: getStudyTool.render(getStudyTool.output.parse(detail)), studyId: detail.study.study_id, kind, ref: '', metadata: { type: 'study', study_id: detail.study.study_id } };
  }
  if (kind === 'participant') {
    const studyId = number(parts[0]);
    const externalId = decodeURIComponent(parts.slice(1).join(':'));
    const p = getParticipantTool.output.parse(await participantProfile(store, studyId, externalId, { fullTranscript: true }));
    const text = `${getParticipantTool.render(p)}${p.notes ? `\n\nNotes: ${p.notes}` : ''}${p.transcript ? `\n\nTranscript:\n${p.transcript}` : ''}`;
    return { title: `Participant ${p.participant_id}${p.name ? ` (${p.name})` : ''}`, text: capped(text, `get_participant ${externalId} with include_transcript`), studyId, kind, ref: externalId, metadata: { type: 'participant', study_id: studyId, participant_id: externalId, status: p.status } };
  }
  if (kind === 'quote') {
    const q = await store.documents.quote(number(parts[0]));
    if (!q) throw new NotFoundError(`No quote ${parts[0]}; search again for current ids.`);
    return { title: `Quote from ${q.participant_id}`, text: `"${q.text}"\n— ${q.participant_id}${q.question ? `, answering "${q.question}"` : ''}`, studyId: q.study_id, kind, ref: parts[0]!, metadata: { type: 'quote', study_id: q.study_id, participant_id: q.participant_id } };
  }
  if (kind === 'segment') {
    const segmentationId = number(parts[0]);
    const segmentId = number(parts[1]);
    const segmentation = await store.segmentations.get(segmentationId);
    const s = (await store.segmentations.segments(segmentationId)).find((x) => x.segment_id === segmentId);
    if (!s) throw new NotFoundError(`No segment ${segmentId} in segmentation ${segmentationId}; search again for current ids.`);
    const stored = s.profile as { quotes?: { participant_id: string; text: string }[]; distinguishing?: { description: string }[] };
    const playbook = Object.entries(s.playbook ?? {}).map(([area, text]) => `- ${area}: ${text}`);
    const text = [
      `${s.name ?? `Segment ${s.segment_id}`} — ${s.size} participants (segmentation ${segmentationId}, ${segmentation.method})`,
      ...(s.description ? [s.description] : []),
      ...(stored.distinguishing?.length ? ['Distinguishing:', ...stored.distinguishing.slice(0, 8).map((d) => `- ${d.description}`)] : []),
      ...(s.persona ? [`Persona: ${s.persona}`] : []),
      ...(playbook.length ? ['Playbook:', ...playbook] : []),
      ...(stored.quotes ?? []).slice(0, 5).map((q) => `> "${q.text}" (${q.participant_id})`),
    ].join('\n');
    return { title: `Segment ${s.name ?? s.segment_id}`, text: capped(text, `get_segmentation ${segmentationId}`), studyId: segmentation.study_id, kind, ref: `${segmentationId}:${segmentId}`, metadata: { type: 'segment', study_id: segmentation.study_id, segmentation_id: segmentationId, segment_id: segmentId, size: s.size } };
  }
  if (kind === 'report') {
    const studyId = number(parts[0]);
    const study = await store.studies.get(studyId);
    const text = await readReport(store, files.outputDir, studyId, 'markdown');
    return { title: `Report: ${study.name}`, text: capped(text, `the resource seglab://studies/${studyId}/report.md`), studyId, kind, ref: '', metadata: { type: 'report', study_id: studyId } };
  }
  throw new UserError(`id: "${kind}" is not a kind of result; ids look like study:1, participant:1:c42, quote:17, segment:5:2 or report:1 (from search).`);
}

export const fetchTool = defineTool({
  name: 'fetch',
  title: 'Fetch a search result',
  description: `Returns one search result in full as text: a study, a participant with transcript, a quote, a segment or a report (at most ${MAX_TEXT} characters).
Use this tool when you need to: read a search result.`,
  input: z.object({ id: z.string().min(1).max(400).describe('An id from search, e.g. participant:1:c42.') }),
  output: z.object({ id: z.string(), title: z.string(), text: z.string(), url: z.string(), metadata: z.record(z.string(), z.union([z.string(), z.number(), z.null()])) }),
  annotations: readOnly,
  async run({ id }, ctx) {
    const [kind, ...parts] = id.split(':');
    const who = ctx.caller ?? LOCAL_OWNER;
    const refused = () => new NotFoundError(`Nothing with id "${id}" is open to you; search again.`);
    // Ids that name their study are checked before anything is read (so errors reveal nothing either).
    if ((kind === 'study' || kind === 'participant' || kind === 'report') && !mayUseStudy(who, Number(parts[0]))) throw refused();
    const doc = await load(kind ?? '', parts, ctx);
    if (!mayUseStudy(who, doc.studyId)) throw refused();
    return { id, title: doc.title, text: doc.text, url: resultUrl(doc.kind, doc.studyId, doc.ref), metadata: doc.metadata };
  },
  render: (r) => `${r.title}\n\n${r.text}`,
});
