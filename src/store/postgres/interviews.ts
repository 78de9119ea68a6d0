/** Interviews, answers, quotes and theme evidence on PostgreSQL (the SQLite store: ../interviews.ts). */
import type { Async } from '../async-view.js';
import { normalizeSpeech, type InterviewRow, type InterviewStore, type InterviewWrite, type ProfileAnswer } from '../interviews.js';
import { ThemeQuotePicker } from '../../domain/theme-quotes.js';
import { interviewCountsChange, now, UNCOUNTED } from '../studies.js';
import { first, lockStudy, rows, type Sql } from './sql.js';
import { PgStudyStore } from './studies.js';

export class PgInterviewStore implements Async<InterviewStore> {
  constructor(private readonly sql: Sql) {}

  async quoteCount(participantId: number): Promise<number> {
    return (await first<{ n: number }>(this.sql, 'SELECT count(*) AS n FROM quotes WHERE participant_id = $1', [participantId]))!.n;
  }

  /** Writes one interview. Call inside a transaction (the use case wraps participant creation too). */
  async record(write: InterviewWrite): Promise<{ answers_recorded: number; quotes_added: number; themes_added: number }> {
    const at = now();
    const turns = write.transcript?.turns ? JSON.stringify(write.transcript.turns) : null;
    const before = (await first<{ status: 'completed' | 'partial' }>(this.sql, 'SELECT status FROM interviews WHERE participant_id = $1', [write.participantId]))?.status ?? null;
    await this.sql.query(
      `INSERT INTO interviews (participant_id, status, interviewed_at, transcript, transcript_turns, notes, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
       ON CONFLICT (participant_id) DO UPDATE SET status = excluded.status, interviewed_at = excluded.interviewed_at,
              transcript = COALESCE(excluded.transcript, interviews.transcript),
              transcript_turns = CASE WHEN excluded.transcript IS NULL THEN interviews.transcript_turns ELSE excluded.transcript_turns END,
              notes = COALESCE(excluded.notes, interviews.notes), updated_at = excluded.updated_at`,
      [write.participantId, write.status, write.interviewedAt, write.transcript?.text ?? null, turns, write.notes ?? null, at],
    );
    if (write.answers.length > 0) {
      await this.sql.query(
        `INSERT INTO answers (participant_id, question_id, value, answered_at)
         SELECT $1, a.question_id, a.value, $3 FROM jsonb_to_recordset($2::jsonb) AS a(question_id bigint, value jsonb)
         ON CONFLICT (participant_id, question_id) DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at`,
        [write.participantId, JSON.stringify(write.answers.map((a) => ({ question_id: a.questionId, value: a.value }))), at],
      );
    }
    // Every new theme of the interview created up front, in one turn (sql.ts lockStudy).
    const codes = [...new Set([...write.quotes.flatMap((q) => q.themes), ...write.themes.map((t) => t.code)])].sort();
    if (codes.length > 0) await this.createThemes(write.studyId, codes, at);
    let quotesAdded = 0;
    let themesAdded = 0;
    for (const quote of write.quotes) {
      // xmax = 0: the row was inserted, not updated by the conflict clause.
      const row = (await first<{ id: number; added: boolean }>(
        this.sql,
        `INSERT INTO quotes (participant_id, question_id, text, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (participant_id, text) DO UPDATE SET question_id = COALESCE(excluded.question_id, quotes.question_id)
         RETURNING id, (xmax = 0) AS added`,
        [write.participantId, quote.questionId, quote.text, at],
      ))!;
      if (row.added) quotesAdded++;
      for (const code of quote.themes) themesAdded += await this.addEvidence(write.studyId, write.participantId, code, quote.text, quote.questionId, row.id, at);
    }
    for (const theme of write.themes) themesAdded += await this.addEvidence(write.studyId, write.participantId, theme.code, theme.evidence, theme.questionId, null, at);
    // The interview counts are adjusted, not counted again at the next list_studies; no export counts interviews.
    const studies = new PgStudyStore(this.sql);
    await studies.touch(write.studyId, true, UNCOUNTED);
    await studies.adjustListFacts(write.studyId, interviewCountsChange(before, write.status));
    return { answers_recorded: write.answers.length, quotes_added: quotesAdded, themes_added: themesAdded };
  }

  /** Creates the themes not in the study yet, taking the study's turn to create themes first. */
  private async createThemes(studyId: number, codes: string[], at: string): Promise<void> {
    const known = await rows<{ code: string }>(this.sql, 'SELECT code FROM themes WHERE study_id = $1 AND code = ANY($2::text[])', [studyId, codes]);
    if (known.length === codes.length) return;
    await lockStudy(this.sql, 'themes', studyId);
    await this.sql.query(
      'INSERT INTO themes (study_id, code, created_at) SELECT $1, code, $3 FROM unnest($2::text[]) WITH ORDINALITY AS c(code, n) ORDER BY n ON CONFLICT DO NOTHING',
      [studyId, codes, at],
    );
  }

  private async addEvidence(studyId: number, participantId: number, code: string, evidence: string, questionId: number | null, quoteId: number | null, at: string): Promise<number> {
    await this.createThemes(studyId, [code], at);
    const result = await this.sql.query(
      `INSERT INTO theme_evidence (theme_id, participant_id, question_id, quote_id, evidence, created_at)
       VALUES ((SELECT id FROM themes WHERE study_id = $1 AND code = $2), $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [studyId, code, participantId, questionId, quoteId, evidence, at],
    );
    return result.rowCount ?? 0;
  }

  codeTheme(studyId: number, participantId: number, code: string, evidence: string, questionId: number | null): Promise<number> {
    return this.addEvidence(studyId, participantId, code, evidence, questionId, null, now());
  }

  /** As the SQLite store's: each distinct text once per theme, longest first, then the earliest recorded. */
  async themeQuotes(studyId: number, perTheme: number): Promise<Map<string, { participant_id: string; text: string }[]>> {
    const found = await rows<{ code: string; id: number; participant_id: string; text: string }>(
      this.sql,
      `SELECT t.code, e.id, p.external_id AS participant_id, e.evidence AS text
         FROM theme_evidence e JOIN themes t ON t.id = e.theme_id JOIN participants p ON p.id = e.participant_id
        WHERE t.study_id = $1 AND e.evidence <> ''
        ORDER BY e.id`,
      [studyId],
    );
    const picker = new ThemeQuotePicker(perTheme);
    for (const r of found) picker.add(r.code, r.id, r.participant_id, r.text);
    return picker.quotes();
  }

  async saidText(participantId: number): Promise<string> {
    const row = (await first<{ said: string }>(
      this.sql,
      `SELECT COALESCE(i.transcript, '') || ' ' || COALESCE(i.notes, '') || ' ' ||
              COALESCE((SELECT string_agg(a.value #>> '{}', ' ' ORDER BY a.id) FROM answers a JOIN questions q ON q.id = a.question_id WHERE a.participant_id = $1 AND q.type = 'open_ended'), '') || ' ' ||
              COALESCE((SELECT string_agg(text, ' ' ORDER BY id) FROM quotes WHERE participant_id = $1), '') AS said
         FROM (SELECT $1::bigint AS pid) x LEFT JOIN interviews i ON i.participant_id = x.pid`,
      [participantId],
    ))!;
    return normalizeSpeech(row.said);
  }

  get(participantId: number): Promise<InterviewRow | undefined> {
    return first<InterviewRow>(this.sql, 'SELECT id, status, interviewed_at, transcript, transcript_turns, notes, updated_at FROM interviews WHERE participant_id = $1', [participantId]);
  }

  answers(participantId: number): Promise<ProfileAnswer[]> {
    return rows<ProfileAnswer>(
      this.sql,
      `SELECT q.key, q.type, q.text, a.value, a.answered_at FROM answers a JOIN questions q ON q.id = a.question_id
        WHERE a.participant_id = $1 ORDER BY q.position, q.id`,
      [participantId],
    );
  }

  async answeredQuestionIds(participantId: number): Promise<Set<number>> {
    return new Set((await rows<{ question_id: number }>(this.sql, 'SELECT question_id FROM answers WHERE participant_id = $1', [participantId])).map((r) => r.question_id));
  }

  quotes(participantId: number, limit: number): Promise<{ text: string; question: string | null; themes: string[] }[]> {
    return rows(
      this.sql,
      `SELECT qu.text, q.key AS question,
              COALESCE((SELECT jsonb_agg(t.code ORDER BY e.id) FROM theme_evidence e JOIN themes t ON t.id = e.theme_id WHERE e.quote_id = qu.id), '[]') AS themes
         FROM quotes qu LEFT JOIN questions q ON q.id = qu.question_id
        WHERE qu.participant_id = $1 ORDER BY qu.id LIMIT $2`,
      [participantId, limit],
    );
  }

  themes(participantId: number): Promise<{ code: string; evidence: string[] }[]> {
    return rows(
      this.sql,
      `SELECT t.code, COALESCE(jsonb_agg(e.evidence ORDER BY e.id) FILTER (WHERE e.evidence <> ''), '[]') AS evidence
         FROM theme_evidence e JOIN themes t ON t.id = e.theme_id
        WHERE e.participant_id = $1 GROUP BY t.id, t.code ORDER BY t.code COLLATE "C"`,
      [participantId],
    );
  }
}
