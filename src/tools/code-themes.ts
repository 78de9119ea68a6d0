import * as z from 'zod';
import { capList } from '../domain/format.js';
import { codeThemes } from '../app/interviews.js';
import { defineTool } from './define.js';
import { participantId, studyId } from './params.js';

export const codeThemesTool = defineTool({
  name: 'code_themes',
  title: 'Code themes',
  description: `Attaches theme codes to participants, each with evidence in their own words; all or none, idempotent. Themes then work in queries, crosstabs, drivers, clustering and reports.
Use this tool when you need to: code open answers and transcripts into themes.`,
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
    themes_created_total: z.number(),
    catalogue: z.array(z.object({ code: z.string(), participants: z.number() })).describe("The study's themes, most common first, with the participants coded with each."),
    catalogue_total: z.number(),
    warnings: z.array(z.string()),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  run: ({ study_id, codes }, { store }) => codeThemes(store, study_id, codes),
  render: (r) =>
    [
      `Coded ${r.added} new theme link(s)${r.unchanged ? `, ${r.unchanged} already present` : ''}${r.themes_created_total ? `; ${r.themes_created_total} new theme(s): ${capList(r.themes_created, 10)}` : ''}.`,
      `Themes (${r.catalogue_total}): ${capList(r.catalogue.map((t) => `${t.code} (${t.participants})`), 15)}`,
      ...r.warnings.slice(0, 10).map((w) => `Warning: ${w}`),
    ].join('\n'),
});
