import type { AnswerValue, QuestionType } from '../domain/questions.js';
import { ThemeQuotePicker } from '../domain/theme-quotes.js';
import type { Db } from './db.js';
import { prepared } from './statements.js';
import { interviewCountsChange, now, UNCOUNTED, type StudyStore } from './studies.js';

/** Evidence rows one read of themeQuotes takes. */
const QUOTES_CHUNK = 10_000;

export type InterviewStatus = 'completed' | 'partial';

export interface InterviewWrite {
  participantId: number;
  studyId: number;
  /** Validated answers keyed by question id. */
  answers: { questionId: number; value: AnswerValue }[];
  transcript?: { text: string; turns: { speaker: string; text: string }[] | null } | undefined;
  quotes: { text: string; questionId: number | null; themes: string[] }[];
  themes: { code: string; evidence: string; questionId: number | null }[];
  notes?: string | undefined;
  status: InterviewStatus;
  interviewedAt: string;
}

export interface InterviewRow {
  id: number;
  status: InterviewStatus;
  interviewed_at: string;
  transcript: string | null;
  transcript_turns: string | null;
  notes: string | null;
  updated_at: string;
}

export interface ProfileAnswer {
  key: string;
  type: QuestionType;
  text: string;
  value: AnswerValue;
  answered_at: string;
}

/** Stores answers as SQLite values: numbers stay numbers, lists become JSON text. */
export function toStored(value: AnswerValue): number | string {
  return Array.isArray(value) ? JSON.stringify(value) : value;
}

export function fromStored(type: QuestionType, value: number | string): AnswerValue {
  return type === 'multiple_choice' || type === 'ranking' ? (JSON.parse(value as string) as string[]) : value;
}

/** Lower case, curly quotes straightened, whitespace collapsed: how quotes are compared with transcripts. */
export function normalizeSpeech(text: string): string {
  return text.toLowerCase().replace(/[’‘]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, ' ').trim();
}

/** Interviews and what they produce: answers, transcript, quotes, theme evidence. */
export class InterviewStore {
  constructor(
    private readonly db: Db,
    private readonly studies: StudyStore,
  ) {}

  /** Writes one interview. Call inside a transaction (the tool wraps participant creation too). */
  record(write: InterviewWrite): { answers_recorded: number; quotes_added: number; themes_added: number } {
    const at = now();
    const existing = this.get(write.participantId);
    if (existing) {
      prepared(this.db, 
          `UPDATE interviews SET status = ?, interviewed_at = ?, transcript = COALESCE(?, transcript),
                  transcript_turns = CASE WHEN ? IS NULL THEN transcript_turns ELSE ? END,
                  notes = COALESCE(?, notes), updated_at = ? WHERE id = ?`,
        )
        .run(write.status, write.interviewedAt, write.transcript?.text ?? null, write.transcript?.text ?? null,
          write.transcript?.turns ? JSON.stringify(write.transcript.turns) : null, write.notes ?? null, at, existing.id);
    } else {
      prepared(this.db, 
          `INSERT INTO interviews (participant_id, status, interviewed_at, transcript, transcript_turns, notes, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(write.participantId, write.status, write.interviewedAt, write.transcript?.text ?? null,
          write.transcript?.turns ? JSON.stringify(write.transcript.turns) : null, write.notes ?? null, at, at);
    }

    const upsertAnswer = prepared(this.db, 
      `INSERT INTO answers (participant_id, question_id, value, answered_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (participant_id, question_id) DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at`,
    );
    for (const answer of write.answers) upsertAnswer.run(write.participantId, answer.questionId, toStored(answer.value), at);

    // Whether a quote is new is read before the upsert: comparing created_at with this call's time
    // counted a quote recorded again within the same millisecond as added.
    const findQuote = prepared(this.db, 'SELECT 1 FROM quotes WHERE participant_id = ? AND text = ?');
    const insertQuote = prepared(this.db, 
      `INSERT INTO quotes (participant_id, question_id, text, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (participant_id, text) DO UPDATE SET question_id = COALESCE(excluded.question_id, question_id)
       RETURNING id`,
    );
    let quotesAdded = 0;
    let themesAdded = 0;
    for (const quote of write.quotes) {
      if (findQuote.get(write.participantId, quote.text) === undefined) quotesAdded++;
      const row = insertQuote.get(write.participantId, quote.questionId, quote.text, at) as { id: number };
      for (const code of quote.themes) {
        themesAdded += this.addEvidence(write.studyId, write.participantId, code, quote.text, quote.questionId, row.id, at);
      }
    }
    for (const theme of write.themes) {
      themesAdded += this.addEvidence(write.studyId, write.participantId, theme.code, theme.evidence, theme.questionId, null, at);
    }
    // The interview counts are adjusted, not counted again at the next list_studies; no export counts interviews.
    this.studies.touch(write.studyId, true, UNCOUNTED);
    this.studies.adjustListFacts(write.studyId, interviewCountsChange(existing?.status ?? null, write.status));
    return { answers_recorded: write.answers.length, quotes_added: quotesAdded, themes_added: themesAdded };
  }

  private addEvidence(studyId: number, participantId: number, code: string, evidence: string, questionId: number | null, quoteId: number | null, at: string): number {
    prepared(this.db, 'INSERT OR IGNORE INTO themes (study_id, code, created_at) VALUES (?, ?, ?)').run(studyId, code, at);
    const info = prepared(this.db, 
        `INSERT OR IGNORE INTO theme_evidence (theme_id, participant_id, question_id, quote_id, evidence, created_at)
         VALUES ((SELECT id FROM themes WHERE study_id = ? AND code = ?), ?, ?, ?, ?, ?)`,
      )
      .run(studyId, code, participantId, questionId, quoteId, evidence, at);
    return info.changes;
  }

  /** Attaches a theme to a participant with its evidence (code_themes); returns 1 when new. Call in a transaction. */
  codeTheme(studyId: number, participantId: number, code: string, evidence: string, questionId: number | null): number {
    return this.addEvidence(studyId, participantId, code, evidence, questionId, null, now());
  }

  /** Up to `perTheme` distinct pieces of evidence per theme of a study, longest first (the most quotable). */
  themeQuotes(studyId: number, perTheme: number): Map<string, { participant_id: string; text: string }[]> {
    // In recording order, a chunk at a time along the evidence's primary key (CROSS JOIN keeps that
    // order as the outer loop: the themes' index first would sort every piece of evidence per chunk).
    const picker = new ThemeQuotePicker(perTheme);
    const chunk = prepared(
      this.db,
      `SELECT e.id, t.code, p.external_id, e.evidence
         FROM theme_evidence e CROSS JOIN themes t ON t.id = e.theme_id CROSS JOIN participants p ON p.id = e.participant_id
        WHERE e.id > ? AND t.study_id = ? AND e.evidence <> ''
        ORDER BY e.id LIMIT ${QUOTES_CHUNK}`,
    ).raw();
    for (let after = 0; ; ) {
      const rows = chunk.all(after, studyId) as [number, string, string, string][];
      for (const [id, code, participantId, text] of rows) picker.add(code, id, participantId, text);
      if (rows.length < QUOTES_CHUNK) break;
      after = rows[rows.length - 1]![0];
    }
    return picker.quotes();
  }

  /** Everything a participant said, lower-cased with spaces collapsed: to check that a quote is theirs. */
  saidText(participantId: number): string {
    const row = prepared(this.db, 
        `SELECT COALESCE(i.transcript, '') || ' ' || COALESCE(i.notes, '') || ' ' ||
                COALESCE((SELECT group_concat(a.value, ' ') FROM answers a JOIN questions q ON q.id = a.question_id WHERE a.participant_id = ? AND q.type = 'open_ended'), '') || ' ' ||
                COALESCE((SELECT group_concat(text, ' ') FROM quotes WHERE participant_id = ?), '') AS said
           FROM (SELECT ? AS pid) x LEFT JOIN interviews i ON i.participant_id = x.pid`,
      )
      .get(participantId, participantId, participantId) as { said: string };
    return normalizeSpeech(row.said);
  }

  get(participantId: number): InterviewRow | undefined {
    return prepared(this.db, 'SELECT id, status, interviewed_at, transcript, transcript_turns, notes, updated_at FROM interviews WHERE participant_id = ?')
      .get(participantId) as InterviewRow | undefined;
  }

  answers(participantId: number): ProfileAnswer[] {
    const rows = prepared(this.db, 
        `SELECT q.key, q.type, q.text, a.value, a.answered_at FROM answers a JOIN questions q ON q.id = a.question_id
          WHERE a.participant_id = ? ORDER BY q.position, q.id`,
      )
      .all(participantId) as (Omit<ProfileAnswer, 'value'> & { value: number | string })[];
    return rows.map((r) => ({ ...r, value: fromStored(r.type, r.value) }));
  }

  answeredQuestionIds(participantId: number): Set<number> {
    return new Set((prepared(this.db, 'SELECT question_id FROM answers WHERE participant_id = ?').all(participantId) as { question_id: number }[]).map((r) => r.question_id));
  }

  quotes(participantId: number, limit: number): { text: string; question: string | null; themes: string[] }[] {
    const rows = prepared(this.db, 
        `SELECT qu.text, q.key AS question,
                (SELECT json_group_array(t.code) FROM theme_evidence e JOIN themes t ON t.id = e.theme_id WHERE e.quote_id = qu.id) AS themes
           FROM quotes qu LEFT JOIN questions q ON q.id = qu.question_id
          WHERE qu.participant_id = ? ORDER BY qu.id LIMIT ?`,
      )
      .all(participantId, limit) as { text: string; question: string | null; themes: string }[];
    return rows.map((r) => ({ ...r, themes: JSON.parse(r.themes) as string[] }));
  }

  quoteCount(participantId: number): number {
    return (prepared(this.db, 'SELECT COUNT(*) AS n FROM quotes WHERE participant_id = ?').get(participantId) as { n: number }).n;
  }

  themes(participantId: number): { code: string; evidence: string[] }[] {
    const rows = prepared(this.db, 
        `SELECT t.code, json_group_array(e.evidence) FILTER (WHERE e.evidence <> '') AS evidence
           FROM theme_evidence e JOIN themes t ON t.id = e.theme_id
          WHERE e.participant_id = ? GROUP BY t.id ORDER BY t.code`,
      )
      .all(participantId) as { code: string; evidence: string }[];
    return rows.map((r) => ({ code: r.code, evidence: JSON.parse(r.evidence) as string[] }));
  }
}
