/** What the segmentation code knows about one participant: loaded by the store, read by pure code. */
import type { AttributeType, AttributeValue } from '../attributes.js';
import type { AnswerValue, Question } from '../questions.js';

export interface ParticipantFacts {
  /** Internal row id. */
  id: number;
  participant_id: string;
  email: string | null;
  name: string | null;
  attributes: Record<string, AttributeValue>;
  /** Stored answers by question key (yes_no as 1/0, lists for multiple_choice and ranking). */
  answers: Map<string, AnswerValue>;
  themes: Set<string>;
  tags: string[];
  status: 'completed' | 'partial' | 'not_interviewed';
}

export interface StudyCatalog {
  questions: (Question & { id: number })[];
  attributes: { name: string; type: AttributeType }[];
  themes: string[];
}
