/**
 * A study shaped to break output budgets: thousands of participants with long ids, names and
 * e-mails, a distinct date and a company name each, a hundred long attribute names, hundreds of
 * tags and themes, questions at the length limits with many long options, long transcripts (one
 * with a word repeated tens of thousands of times), long quotes and evidence, and segmentations
 * with the most segments the tools allow (k-means, overlapping rules with long conditions, RFM).
 * Built through the tools, seeded, so every run is the same.
 */
import { recordInterview } from '../../src/app/interviews.js';
import { seededRandom } from '../../src/domain/random.js';
import type { Harness } from './harness.js';

export const ADVERSARIAL_PARTICIPANTS = 1000;
const EXTRA_COLUMNS = 60;
const TAG_POOL = 400;
const THEME_POOL = 300;

/** Text of exactly `length` characters: hostile (quotes, backslashes, newlines, HTML) and wordy. */
export function longText(length: number, seed = 1): string {
  const words = ['pricing', '"quoted"', 'back\\slash', '<b>bold</b>', 'line\nbreak', 'onboarding', 'émigré', 'integration', 'support', 'renewal'];
  const next = seededRandom(seed);
  let out = '';
  while (out.length < length) out += `${words[Math.floor(next() * words.length)]} `;
  return out.slice(0, length);
}

export const pad = (text: string, length: number) => (text + '_'.repeat(length)).slice(0, length);
export const participantIdOf = (i: number) => pad(`participant-${i}-`, 120);
const tagOf = (i: number) => pad(`tag-${i}-`, 60);
export const themeOf = (i: number) => pad(`theme_${i}_`, 80);
/** Options at the limits a question allows (its JSON at most QUESTION_MAX_CHARS): many short or fewer long. */
const CHOICE_OPTIONS = 50;
const RANKING_OPTIONS = 50;
const LONG_OPTIONS = 18;
const optionOf = (q: number, o: number) => pad(`Option ${o} of question ${q} — `, q === 1 ? 200 : 66);

export interface AdversarialStudy {
  study_id: number;
  /** Keys of the answered questions by type. */
  keys: { scale: string; nps: string; single: string; multi: string; ranking: string; yesno: string; open: string };
  kmeans: number;
  rules: number;
  rfm: number;
  /** A participant with the longest transcript, 50 long quotes and many themes. */
  heavy: string;
  /** The word repeated throughout one transcript. */
  denseWord: string;
}

function csv(next: () => number): string {
  const extra = Array.from({ length: EXTRA_COLUMNS }, (_, c) => pad(`metric_${c}_`, 100));
  const header = ['participant_id', 'email', 'name', 'company', 'signup_date', 'last_seen', 'plan', 'region', 'mrr', 'orders', 'tags', ...extra];
  const lines = [header.join(',')];
  const start = Date.UTC(2016, 0, 1);
  for (let i = 0; i < ADVERSARIAL_PARTICIPANTS; i++) {
    const tags = Array.from({ length: 6 }, () => tagOf(Math.floor(next() * TAG_POOL)));
    const day = (offset: number) => new Date(start + Math.floor(offset) * 86_400_000).toISOString().slice(0, 10);
    lines.push(
      [
        participantIdOf(i),
        pad(`person.${i}.`, 180) + '@example.com',
        `"${pad(`Name ${i} `, 190)}"`,
        `"${pad(`Company ${i} Holdings, Ltd `, 120)}"`,
        day(i * 1.2),
        day(next() * 3000),
        ['free', 'starter', 'pro', 'team', 'enterprise'][i % 5],
        `region-${i % 40}`,
        (next() * 5000).toFixed(2),
        String(Math.floor(next() * 60)),
        `"${[...new Set(tags)].join(';')}"`,
        ...extra.map(() => (next() * 100).toFixed(1)),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function seedAdversarialStudy(h: Harness): Promise<AdversarialStudy> {
  const next = seededRandom(42);
  const { study_id } = await h.ok('create_study', {
    name: pad('Adversarial study ', 200),
    decision: longText(1000, 2),
    description: longText(4000, 3),
    participant_criteria: longText(2000, 4),
  });

  const keys = { scale: 'q_scale', nps: 'q_nps', single: 'q_single', multi: 'q_multi', ranking: 'q_ranking', yesno: 'q_yesno', open: 'q_open' };
  const answered = [
    { key: keys.scale, type: 'scale', text: longText(2000, 5), scale_min: 1, scale_max: 7, min_label: pad('Low ', 100), max_label: pad('High ', 100) },
    { key: keys.nps, type: 'scale', text: longText(2000, 6), scale_min: 0, scale_max: 10 },
    { key: keys.single, type: 'single_choice', text: longText(900, 7), options: Array.from({ length: LONG_OPTIONS }, (_, o) => optionOf(1, o)) },
    { key: keys.multi, type: 'multiple_choice', text: longText(900, 8), options: Array.from({ length: CHOICE_OPTIONS }, (_, o) => optionOf(2, o)) },
    { key: keys.ranking, type: 'ranking', text: longText(900, 9), options: Array.from({ length: RANKING_OPTIONS }, (_, o) => optionOf(3, o)) },
    { key: keys.yesno, type: 'yes_no', text: longText(2000, 10) },
    { key: keys.open, type: 'open_ended', text: longText(2000, 11) },
  ];
  await h.ok('add_questions', { study_id, questions: answered });
  // More questions at the length limits, unanswered: they weigh on get_study and summaries.
  for (let batch = 0; batch < 2; batch++) {
    await h.ok('add_questions', {
      study_id,
      questions: Array.from({ length: 40 }, (_, i) => ({
        key: pad(`extra_${batch}_${i}_`, 48),
        type: i % 2 ? 'multiple_choice' : 'open_ended',
        text: longText(i % 2 ? 900 : 2000, 100 + i),
        ...(i % 2 ? { options: Array.from({ length: CHOICE_OPTIONS }, (_, o) => optionOf(10 + i, o)) } : {}),
      })),
    });
  }

  await h.ok('import_participants', { study_id, csv: csv(next) });

  const heavy = participantIdOf(0);
  const denseWord = 'zebra';
  for (let i = 0; i < ADVERSARIAL_PARTICIPANTS; i++) {
    const pick = (n: number) => Math.floor(next() * n);
    const multi = [...new Set(Array.from({ length: 1 + pick(8) }, () => optionOf(2, pick(CHOICE_OPTIONS))))];
    const ranking = [...new Set(Array.from({ length: 5 + pick(20) }, () => optionOf(3, pick(RANKING_OPTIONS))))];
    const themes = Array.from({ length: 3 }, () => ({ code: themeOf(pick(THEME_POOL)), quote: longText(300, i) }));
    const transcript = i === 0 ? longText(400_000, 7) : i === 1 ? `${denseWord} `.repeat(40_000) : longText(2000 + pick(2000), i);
    // The first interviews go through the tool; the rest through its use case directly (the same
    // checks and writes without the protocol round trip, which would dominate the set-up time).
    const interview = {
      study_id,
      participant_id: participantIdOf(i),
      answers: [
        { question: keys.scale, value: 1 + pick(7) },
        { question: keys.nps, value: pick(11) },
        { question: keys.single, value: optionOf(1, pick(LONG_OPTIONS)) },
        { question: keys.multi, value: multi },
        { question: keys.ranking, value: ranking },
        { question: keys.yesno, value: next() < 0.5 },
        { question: keys.open, value: longText(1500, i + 7) },
      ],
      transcript,
      themes,
      quotes: i === 0 ? Array.from({ length: 50 }, (_, q) => ({ text: longText(4000, 1000 + q), themes: [themeOf(q)] })) : [{ text: longText(600, i + 3), themes: [themeOf(pick(THEME_POOL))] }],
      notes: i < 50 ? longText(20_000, i) : undefined,
      status: i % 17 === 0 ? ('partial' as const) : ('completed' as const),
    };
    if (i < 20) await h.ok('record_interview', interview);
    else await recordInterview(h.store, { studyId: study_id, participantId: interview.participant_id, answers: interview.answers, transcript: interview.transcript, quotes: interview.quotes, themes: interview.themes, notes: interview.notes, status: interview.status });
  }

  // Segmentations are read back from the study (their creation is not what this fixture tests).
  const latest = async (tool: string, args: Record<string, unknown>) => {
    await h.call(tool, args);
    return (await h.store.segmentations.list(study_id, 1))[0]!.id;
  };
  const kmeans = await latest('cluster_participants', { study_id, k: 20, restarts: 1, bootstraps: 2 });
  const rules = await latest('segment_by_rules', {
      study_id,
      mode: 'overlapping',
      rest_name: pad('Everyone else ', 80),
      segments: Array.from({ length: 50 }, (_, s) => ({
        name: pad(`Rule segment ${s} `, 80),
        description: longText(2000, 500 + s),
        where: [
          { field: 'attr.mrr', op: 'gte', value: (s * 37) % 1000 },
          ...Array.from({ length: 19 }, (_, c) => ({ field: 'attr.company', op: 'neq', value: pad(`nobody ${s} ${c} `, 200) })),
        ],
      })),
  });
  const rfm = await latest('segment_by_rules', { study_id, rfm: { recency: 'attr.last_seen', frequency: 'attr.orders', monetary: 'attr.mrr' } });
  return { study_id, keys, kmeans, rules, rfm, heavy, denseWord };
}
