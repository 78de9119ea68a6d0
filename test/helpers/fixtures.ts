/** A small study with every question type and hand-checkable answers, built through the tools. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
  const interviews = [
    { participant_id: 'p1', answers: { why: 'The price was fair and setup was quick', importance: 5, nps: 10, use_case: 'alpha', tools: ['Slack', 'Jira'], factors: ['Price', 'Speed', 'Trust'], team: 'yes' },
      quotes: [{ text: 'The price was fair', question: 'why', themes: ['pricing'] }], themes: [{ code: 'fast setup', quote: 'setup was quick' }] },
    { participant_id: 'p2', answers: { why: 'Speed of analysis for the whole team', importance: 4, nps: 9, use_case: 'Alpha', tools: ['Slack'], factors: ['speed', 'price'], team: true },
      transcript: [{ speaker: 'Interviewer', text: 'What made you expand?' }, { speaker: 'Ben', text: 'Our designers wanted the integrations.' }] },
    { participant_id: 'p3', answers: { why: 'Too expensive for what it does, pricing hurts', importance: 2, nps: 3, use_case: 'Beta', tools: ['Jira'], factors: ['Price', 'Trust', 'Speed'], team: 'no' },
      quotes: [{ text: 'Too expensive for what it does', question: 'why', themes: ['pricing', 'churn_risk'] }], notes: 'Considering a cheaper competitor.' },
    { participant_id: 'p4', answers: { why: 'Needed proof from references first', importance: 3, nps: 7, use_case: 'Gamma', tools: ['HubSpot', 'Slack'], factors: ['Trust'], team: false } },
    { participant_id: 'p5', status: 'partial', answers: { importance: 1, nps: 0, use_case: 'Beta' } },
  ];
  for (const { answers, ...rest } of interviews) {
    await h.ok('record_interview', { study_id, ...rest, answers: Object.entries(answers).map(([question, value]) => ({ question, value })) });
  }
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

/** The planted archetype of each sample participant (data/sample-study/ground-truth.json). */
export const sampleArchetypes = (JSON.parse(readFileSync(new URL('ground-truth.json', sampleDir), 'utf8')) as { archetypes: Record<string, string> }).archetypes;

/** Loads the 48-customer sample study through the tools, as the demo does. */
export async function seedSampleStudy(h: Harness): Promise<number> {
  const sample = JSON.parse(readFileSync(new URL('study.json', sampleDir), 'utf8'));
  const { study_id } = await h.ok('create_study', sample.study);
  await h.ok('add_questions', { study_id, questions: sample.questions });
  await h.ok('import_participants', { study_id, path: fileURLToPath(new URL('participants.csv', sampleDir)) });
  for (const interview of JSON.parse(readFileSync(new URL('interviews.json', sampleDir), 'utf8'))) await h.ok('record_interview', { study_id, ...interview });
  return study_id;
}

/** The sample study, loaded once for the file's tests. */
export function useSampleStudy(ready: (state: { h: Harness; study_id: number }) => void): void {
  useSeededStudy(seedSampleStudy, ready, 30_000);
}
