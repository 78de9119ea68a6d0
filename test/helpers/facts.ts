/** Builders for the pure segmentation code: participants' facts and a study catalogue, by hand. */
import { factTable, type ParticipantFacts, type StudyCatalog } from '../../src/domain/segments/facts.js';
import type { AnswerValue } from '../../src/domain/questions.js';

export function fact(id: number, answers: Record<string, unknown>, attributes: Record<string, number | string | boolean> = {}, themes: string[] = [], tags: string[] = []): ParticipantFacts {
  return factTable([{ id, participant_id: `p${id}`, attributes, answers: answers as Record<string, AnswerValue>, themes, tags, status: 'completed' }]).rows()[0]!;
}

const blank = { options: null, scale_min: null, scale_max: null, min_label: null, max_label: null, max_selections: null, min_selections: null, required: false, probing_depth: null };

/** score: scale 1–5; pick: single choice A/B; rank: ranking X/Y/Z; ideal_outcome: open-ended. Attributes mrr (number), tier (category). */
export const catalog: StudyCatalog = {
  questions: [
    { ...blank, id: 1, key: 'score', type: 'scale', text: 'Score', scale_min: 1, scale_max: 5, position: 1 },
    { ...blank, id: 2, key: 'pick', type: 'single_choice', text: 'Pick', options: ['A', 'B'], position: 2 },
    { ...blank, id: 3, key: 'rank', type: 'ranking', text: 'Rank', options: ['X', 'Y', 'Z'], position: 3 },
    { ...blank, id: 4, key: 'ideal_outcome', type: 'open_ended', text: 'What would be ideal?', position: 4 },
  ],
  attributes: [{ name: 'mrr', type: 'number' }, { name: 'tier', type: 'category' }],
  themes: ['pricing'],
};
