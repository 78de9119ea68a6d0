import * as z from 'zod';
import { createStudy } from '../app/studies.js';
import { defineTool } from './define.js';
import { studyMode, studyOut } from './params.js';

export const createStudyTool = defineTool({
  name: 'create_study',
  title: 'Create a segmentation study',
  description: `Creates a segmentation study; returns its study_id. Name the decision the segments will inform.
Use this tool when you need to: start a study (then add_questions, import_participants, record_interview).`,
  input: z.object({
    name: z.string().trim().min(1).max(200).describe('Short name, e.g. "Q3 churn and expansion segmentation".'),
    decision: z.string().trim().max(1000).optional().describe('The decision the segments will inform, e.g. "which segment to build onboarding for first".'),
    description: z.string().trim().max(4000).optional().describe('Background, goals and scope.'),
    mode: studyMode.default('hybrid').describe('exploratory, hybrid (default: open questions plus structured anchors) or structured.'),
    probing_depth: z.number().int().min(0).max(3).default(2).describe('Follow-up questions per question, 0–3 (default 2).'),
    participant_criteria: z.string().trim().max(2000).optional().describe('Who to interview, e.g. "new, long-tenure, churned and expanded customers".'),
  }),
  output: studyOut.extend({ next_steps: z.array(z.string()) }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  run: (args, { store }) => createStudy(store, args),
  render: (r) => `Created study ${r.study_id} "${r.name}" (${r.mode}, probing depth ${r.probing_depth}).\nNext:\n${r.next_steps.map((s) => `- ${s}`).join('\n')}`,
});
