/**
 * Erasure requests: a participant or a whole study removed with every trace, in the database
 * (one transaction) and on disk (reports regenerated without them, CRM exports that listed them
 * removed), then the write-ahead log emptied so no earlier copy of their rows stays in it.
 */
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describeSegments } from '../domain/segments/describe.js';
import { encodeParticipants } from '../domain/segments/encoding.js';
import { ERASED, personMarks, scrub, scrubJsonText, type PersonMarks } from '../domain/scrub.js';
import { reportFile, writeReport } from '../report/write.js';
import { readOutputFile } from './output-files.js';
import type { Store } from '../store/index.js';
import { removedParticipantChange } from '../store/studies.js';
import { loadSegmentation, storedProfile } from './segmentations.js';

export interface ParticipantErasure {
  study_id: number;
  removed: { answers: number; quotes: number; theme_evidence: number; memberships: number; interview: boolean };
  segmentations_redescribed: number[];
  texts_rewritten: number;
  report_regenerated: boolean;
  exports_removed: string[];
  wal_truncated: boolean;
}

export interface StudyErasure {
  study_id: number;
  participants_removed: number;
  files_removed: number;
  wal_truncated: boolean;
}

/**
 * Describes a segmentation's segments again from its current members (after one left): profiles,
 * distinguishing features, representatives, quotes and words no longer count or cite them.
 */
async function redescribe(store: Store, segmentationId: number): Promise<void> {
  const { segmentation, segments, facts, groups, population } = await loadSegmentation(store, segmentationId);
  const clustered = segmentation.summary.participants_clustered;
  if (typeof clustered === 'number') await store.erasure.replaceSummary(segmentationId, { ...segmentation.summary, participants_clustered: clustered - 1 });
  const remaining = typeof clustered === 'number' ? clustered - 1 : population;
  const descriptions = await describeSegments(segmentation.encoding, facts, encodeParticipants(segmentation.encoding, facts), groups, (ids) => store.facts.texts(segmentation.study_id, ids), Math.max(1, remaining));
  for (const [g, d] of descriptions.entries()) await store.erasure.replaceProfile(segmentationId, segments[g]!.segment_id, storedProfile(d));
}

/** Rewrites every stored text of the study that names or quotes the person; returns how many. */
async function scrubDerivedTexts(store: Store, studyId: number, marks: PersonMarks): Promise<number> {
  let rewritten = 0;
  for (const text of await store.erasure.derivedTexts(studyId)) {
    const value = text.json ? scrubJsonText(text.text, marks) : scrub(text.text, marks).changed ? ERASED : null;
    if (value === null) continue;
    await store.erasure.rewrite(text, value);
    rewritten++;
  }
  return rewritten;
}

/** The segmentation a written report was about, if there is a report. */
function reportedSegmentation(outputDir: string, studyId: number): { exists: boolean; segmentationId?: number } {
  const text = readOutputFile(outputDir, reportFile(studyId, 'json'));
  if (text === null) return { exists: false };
  try {
    const id = (JSON.parse(text) as { segmentation?: { segmentation_id?: number } | null }).segmentation?.segmentation_id;
    return { exists: true, ...(typeof id === 'number' ? { segmentationId: id } : {}) };
  } catch {
    return { exists: true };
  }
}

/** The study's folder in the reports folder, when it is a real folder (a planted link is never followed). */
function studyFolder(outputDir: string, studyId: number): string | null {
  const dir = join(outputDir, `study-${studyId}`);
  try {
    return lstatSync(dir).isDirectory() ? dir : null;
  } catch {
    return null;
  }
}

export async function eraseParticipant(store: Store, outputDir: string, studyId: number, externalId: string): Promise<ParticipantErasure> {
  const person = await store.participants.get(studyId, externalId);
  const traces = await store.erasure.traces(person.id);
  const marks = personMarks([traces.external_id, traces.email, traces.name], traces.texts);
  const rewritten = await store.transaction(async (tx) => {
    // list_studies' kept counts lose the person (their interview and tags), read before they go.
    const gone = removedParticipantChange((await tx.interviews.get(person.id))?.status ?? null, await tx.participants.tags(person.id));
    await tx.erasure.deleteParticipant(person.id);
    for (const id of traces.segmentations) await redescribe(tx, id);
    const count = await scrubDerivedTexts(tx, studyId, marks);
    // The person's memberships and e-mail go: export totals are counted again.
    await tx.studies.touch(studyId, true, { listFacts: true });
    await tx.studies.adjustListFacts(studyId, gone);
    return count;
  });

  const studyDir = studyFolder(outputDir, studyId);
  const exports_removed: string[] = [];
  if (studyDir) {
    for (const file of readdirSync(studyDir)) {
      if (traces.segmentations.some((id) => file.startsWith(`segmentation-${id}-`))) {
        rmSync(join(studyDir, file), { force: true });
        exports_removed.push(file);
      }
    }
  }
  const report = reportedSegmentation(outputDir, studyId);
  if (report.exists) {
    const stillThere = report.segmentationId !== undefined && (await store.segmentations.list(studyId, 1000)).some((s) => s.id === report.segmentationId);
    await writeReport(store, outputDir, studyId, stillThere ? report.segmentationId : undefined);
  }
  return {
    study_id: studyId,
    removed: { ...traces.counts, interview: traces.counts.interview > 0 },
    segmentations_redescribed: traces.segmentations,
    texts_rewritten: rewritten,
    report_regenerated: report.exists,
    exports_removed,
    wal_truncated: await store.erasure.truncateWal(),
  };
}

export async function eraseStudy(store: Store, outputDir: string, studyId: number): Promise<StudyErasure> {
  await store.studies.get(studyId);
  const participants = await store.transaction(async (tx) => {
    const n = await tx.erasure.deleteStudy(studyId);
    await tx.erasure.eraseAuditArguments(studyId);
    return n;
  });
  const studyDir = studyFolder(outputDir, studyId);
  const files = studyDir ? readdirSync(studyDir).length : 0;
  // rmSync removes links themselves, never what they point to (a link planted as the folder goes too).
  rmSync(join(outputDir, `study-${studyId}`), { recursive: true, force: true });
  return { study_id: studyId, participants_removed: participants, files_removed: files, wal_truncated: await store.erasure.truncateWal() };
}
