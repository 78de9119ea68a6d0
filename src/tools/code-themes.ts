import * as z from 'zod';
import { codeThemes } from '../app/interviews.js';
import { defineTool } from './define.js';
import { participantId, studyId } from './params.js';

export const codeThemesTool = defineTool({
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
  run: ({ study_id, codes }, { store }) => codeThemes(store, study_id, codes),
  render: (r) =>
    [
      `Coded ${r.added} new theme link(s)${r.unchanged ? `, ${r.unchanged} already present` : ''}${r.themes_created.length ? `; new themes: ${r.themes_created.join(', ')}` : ''}.`,
      `Themes: ${r.catalogue.slice(0, 15).map((t) => `${t.code} (${t.participants})`).join(', ')}`,
      ...r.warnings.map((w) => `Warning: ${w}`),
    ].join('\n'),
});
