/** A small study with every question type and hand-checkable answers, built through the tools. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll } from 'vitest';
import { connect, type Harness } from './harness.js';

export const tinyQuestions = [
  { key: 'why', type: 'open_ended', text: 'Why did you choose us?', required: true },
  { key: 'importance', type: 'scale', text: 'How important is X?', scale_min: 1, scale_max: 5 },
  { key: 'nps', type: 'scale', text: 'How likely are you to recommend us?', scale_min: 0, scale_max: 10 },
  { key: 'use_case', type: 'single_choice', text: 'Primary use case?', options: ['Alpha', 'Beta', 'Gamma'] },
  { key: 'tools', type: 'multiple_choice', text: 'Which tools do you connect?', options: ['Slack', 'Jira', 'HubSpot'], max_selections: 2 },
  { key: 'factors', type: 'ranking', text: 'Rank the buying factors', options: ['Price', 'Speed', 'Trust'] },
  { key: 'team', type: 'yes_no', text: 'Do you use it with a team?', required: true },
];

export const tinyCsv = `participant_id,email,name,plan,mrr,signup_date,hubspot.stage,tags
p1,p1@acme.example,Ana Ruiz,pro,120,2026-01-10,customer,churned
p2,p2@acme.example,Ben Ode,pro,450,2025-06-01,customer,expanded
p3,p3@acme.example,Cy Lee,free,0,2026-09-01,lead,churned
p4,p4@acme.example,Di Noor,team,80,2026-10-20,customer,new
p5,p5@acme.example,Ed Park,free,0,2026-03-03,lead,churned
p6,p6@acme.example,Flo Wu,team,300,2024-11-11,customer,expanded
`;

/** Interviews of the tiny study, as record_interview takes them (answers keyed by question). */
export const tinyInterviews: { participant_id: string; answers: Record<string, unknown>; [key: string]: unknown }[] = [
  { participant_id: 'p1', answers: { why: 'The price was fair and setup was quick', importance: 5, nps: 10, use_case: 'alpha', tools: ['Slack', 'Jira'], factors: ['Price', 'Speed', 'Trust'], team: 'yes' },
    quotes: [{ text: 'The price was fair', question: 'why', themes: ['pricing'] }], themes: [{ code: 'fast setup', quote: 'setup was quick' }] },
  { participant_id: 'p2', answers: { why: 'Speed of analysis for the whole team', importance: 4, nps: 9, use_case: 'Alpha', tools: ['Slack'], factors: ['speed', 'price'], team: true },
    transcript: [{ speaker: 'Interviewer', text: 'What made you expand?' }, { speaker: 'Ben', text: 'Our designers wanted the integrations.' }] },
  { participant_id: 'p3', answers: { why: 'Too expensive for what it does, pricing hurts', importance: 2, nps: 3, use_case: 'Beta', tools: ['Jira'], factors: ['Price', 'Trust', 'Speed'], team: 'no' },
    quotes: [{ text: 'Too expensive for what it does', question: 'why', themes: ['pricing', 'churn_risk'] }], notes: 'Considering a cheaper competitor.' },
  { participant_id: 'p4', answers: { why: 'Needed proof from references first', importance: 3, nps: 7, use_case: 'Gamma', tools: ['HubSpot', 'Slack'], factors: ['Trust'], team: false } },
  { participant_id: 'p5', status: 'partial', answers: { importance: 1, nps: 0, use_case: 'Beta' } },
];

/** record_interview's answers argument from an object keyed by question. */
export const answerList = <V>(answers: Record<string, V>) => Object.entries(answers).map(([question, value]) => ({ question, value }));

/**
 * Completed: p1–p4. Partial: p5. Not interviewed: p6.
 *   importance 5,4,2,3 (+1 partial)   nps 10,9,3,7   use_case Alpha,Alpha,Beta,Gamma
 *   tools [Slack,Jira] [Slack] [Jira] [HubSpot,Slack]
 *   factors [Price,Speed,Trust] [Speed,Price] [Price,Trust,Speed] [Trust]   team yes,yes,no,no
 */
export async function seedTinyStudy(h: Harness): Promise<number> {
  const { study_id } = await h.ok('create_study', { name: 'Tiny', decision: 'What to build next' });
  await h.ok('add_questions', { study_id, questions: tinyQuestions });
  await h.ok('import_participants', { study_id, csv: tinyCsv });
  for (const { answers, ...rest } of tinyInterviews) await h.ok('record_interview', { study_id, ...rest, answers: answerList(answers) });
  return study_id;
}

/** Registers beforeAll/afterAll hooks: a fresh server, seeded once for the file's tests. */
function useSeededStudy(seed: (h: Harness) => Promise<number>, ready: (state: { h: Harness; study_id: number }) => void, timeout?: number): void {
  let h: Harness;
  beforeAll(async () => {
    h = await connect();
    ready({ h, study_id: await seed(h) });
  }, timeout);
  afterAll(() => h.close());
}

/** The tiny study, seeded once for the file's tests. */
export function useTinyStudy(ready: (state: { h: Harness; study_id: number }) => void): void {
  useSeededStudy(seedTinyStudy, ready);
}

const sampleDir = new URL('../../data/sample-study/', import.meta.url);
const sampleJson = (name: string) => JSON.parse(readFileSync(new URL(name, sampleDir), 'utf8'));

/** The planted archetype of each sample participant (data/sample-study/ground-truth.json). */
export const sampleArchetypes = (sampleJson('ground-truth.json') as { archetypes: Record<string, string> }).archetypes;
/** The four archetypes, in the order the k = 4 clustering numbers them. */
export const ARCHETYPES = ['The Struggler', 'The Pragmatist', 'The Evaluator', 'The Advocate'] as const;

/** The sample study's files: the study, its questions, the CRM export's path and the 46 interviews. */
export const sampleStudy = {
  ...(sampleJson('study.json') as { study: Record<string, any>; questions: Record<string, any>[] }),
  participantsCsv: fileURLToPath(new URL('participants.csv', sampleDir)),
  interviews: sampleJson('interviews.json') as Record<string, any>[],
};

/** Figures computed from the sample study's files by SciPy and scikit-learn (test/reference/sample_study.py). */
export const sampleReference = JSON.parse(readFileSync(new URL('../fixtures/reference/sample-study.json', import.meta.url), 'utf8'));

/** Loads the 48-customer sample study through the tools, as the demo does. */
export async function seedSampleStudy(h: Harness): Promise<number> {
  const { study_id } = await h.ok('create_study', sampleStudy.study);
  await h.ok('add_questions', { study_id, questions: sampleStudy.questions });
  await h.ok('import_participants', { study_id, path: sampleStudy.participantsCsv });
  for (const interview of sampleStudy.interviews) await h.ok('record_interview', { study_id, ...interview });
  return study_id;
}

/** The sample study with its k = 4 segmentation through the tools, each segment named after its archetype. */
export interface SampleSegmentation {
  h: Harness;
  study_id: number;
  /** The segmentation id. */
  seg: number;
  /** Segment number of each archetype in `seg`. */
  segmentOf: Record<string, number>;
}

/** The sample study clustered with k = 4 (which recovers the planted archetypes) and named, once for the file's tests. */
export function useSampleSegmentation(ready: (state: SampleSegmentation) => void): void {
  let h: Harness;
  beforeAll(async () => {
    h = await connect();
    const study_id = await seedSampleStudy(h);
    const seg: number = (await h.ok('cluster_participants', { study_id, k: 4, bootstraps: 5 })).segmentation_id;
    const segmentOf: Record<string, number> = {};
    for (const m of await h.store.segmentations.members(seg)) segmentOf[sampleArchetypes[m.participant_id]!] = m.segment_id;
    for (const [name, segment_id] of Object.entries(segmentOf)) await h.ok('update_segment', { segmentation_id: seg, segment_id, name });
    ready({ h, study_id, seg, segmentOf });
  }, 60_000);
  afterAll(() => h.close());
}

/** The sample study, loaded once for the file's tests. */
export function useSampleStudy(ready: (state: { h: Harness; study_id: number }) => void): void {
  useSeededStudy(seedSampleStudy, ready, 30_000);
}

/** The sample's CRM export as records keyed by column (every value a string, as in the file). */
export const sampleRows = (): Record<string, string>[] => parseCsv(readFileSync(sampleStudy.participantsCsv, 'utf8'), { columns: true });
