import * as z from 'zod';
import { ValidationError } from '../errors.js';
import { normalizeSpeech } from '../store/interviews.js';
import { defineTool } from './define.js';
import { participantId, studyId } from './params.js';
import { themeCode } from './record-interview.js';

export const codeThemes = defineTool({
  name: 'code_themes',
  title: 'Code themes',
  description: `Attaches theme codes to participants' answers, each with the evidence quote — the coding step of qualitative analysis, done by the assistant or a person after reading transcripts (get_participant, query_participants with text). Codes are slugs ("Pricing concern" = pricing_concern). A quote is checked against what the participant said (transcript, notes, open answers, quotes): if it is not there verbatim you get a warning, because evidence should be the person's own words. All codes are written or none (every problem is reported at once); coding the same evidence twice changes nothing.
Returns what was added and the study's theme catalogue with participant counts. Themes then work everywhere: query_participants (theme), crosstab, driver_analysis, cluster_participants (feature "theme"), personas and reports.
Use this tool when you need to: tag what participants said with themes so they can be counted, compared across segments and quoted.`,
  input: z.object({
    study_id: studyId,
    codes: z
      .array(
        z.object({
          participant_id: participantId,
          question: z.string().optional().describe('The question key the evidence answers, if any.'),
          theme: z.string().trim().min(1).max(80).describe('The theme code, e.g. "pricing_concern".'),
          quote: z.string().trim().max(4000).optional().describe("The evidence: the participant's own words."),
        }),
      )
      .min(1)
      .max(2000),
  }),
  output: z.object({
    added: z.number().describe('New theme–evidence links.'),
    unchanged: z.number().describe('Links that already existed.'),
    themes_created: z.array(z.string()),
    catalogue: z.array(z.object({ code: z.string(), participants: z.number() })).describe('Every theme of the study with the participants coded with it (up to 100).'),
    warnings: z.array(z.string()),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  run({ study_id, codes }, { store }) {
    store.studies.get(study_id);
    const questions = new Map(store.studies.questions(study_id).map((q) => [q.key, q]));
    const before = new Set(store.studies.themeCounts(study_id, 100_000).map((t) => t.code));
    const problems: string[] = [];
    const warnings: string[] = [];
    const said = new Map<number, string>();
    const resolved = codes.map((c, i) => {
      const participant = store.participants.find(study_id, c.participant_id);
      if (!participant) problems.push(`codes[${i}].participant_id: no participant "${c.participant_id}" in study ${study_id}`);
      const question = c.question === undefined ? null : questions.get(c.question);
      if (c.question !== undefined && !question) problems.push(`codes[${i}].question: no question "${c.question}"; keys: ${[...questions.keys()].join(', ')}`);
      const code = themeCode(c.theme);
      if (!code) problems.push(`codes[${i}].theme: "${c.theme}" has no letters or digits to make a code from`);
      if (participant && c.quote) {
        if (!said.has(participant.id)) said.set(participant.id, store.interviews.saidText(participant.id));
        if (!said.get(participant.id)!.includes(normalizeSpeech(c.quote))) {
          warnings.push(`codes[${i}]: the quote is not in ${c.participant_id}'s transcript, notes or answers verbatim; evidence should be their own words.`);
        }
      }
      return { participant, question, code, quote: c.quote ?? '' };
    });
    if (problems.length) throw new ValidationError(problems);
    let added = 0;
    store.transaction(() => {
      for (const r of resolved) added += store.interviews.codeTheme(study_id, r.participant!.id, r.code, r.quote, r.question?.id ?? null);
      store.studies.touch(study_id);
    });
    const catalogue = store.studies.themeCounts(study_id, 100);
    return {
      added,
      unchanged: resolved.length - added,
      themes_created: [...new Set(resolved.map((r) => r.code))].filter((c) => !before.has(c)),
      catalogue,
      warnings: warnings.slice(0, 20),
    };
  },
  render: (r) =>
    [
      `Coded ${r.added} new theme link(s)${r.unchanged ? `, ${r.unchanged} already present` : ''}${r.themes_created.length ? `; new themes: ${r.themes_created.join(', ')}` : ''}.`,
      `Themes: ${r.catalogue.slice(0, 15).map((t) => `${t.code} (${t.participants})`).join(', ')}`,
      ...r.warnings.map((w) => `Warning: ${w}`),
    ].join('\n'),
});
