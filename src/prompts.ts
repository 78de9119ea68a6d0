/**
 * MCP prompts: reusable starting points a person picks in their client ("/plan_segmentation_study").
 * They only compose text that tells the assistant which tools to call, in what order, and why.
 */
import { completable, type McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { LOCAL_OWNER, mayUseStudy, type Caller } from './domain/access.js';
import type { Store } from './store/index.js';

/** @param caller completions offer only the studies this caller may use */
export function registerPrompts(server: McpServer, store: Store, caller: Caller = LOCAL_OWNER): void {
  server.registerPrompt(
    'plan_segmentation_study',
    {
      title: 'Plan a segmentation study',
      description: 'Sets up a customer-segmentation study for a decision: creates the study, the interview guide (open-ended and structured questions) and the participant mix to recruit.',
      argsSchema: z.object({
        decision: z.string().describe('The decision the segments will inform, e.g. "which segment to build onboarding for first".'),
        customers: z.string().optional().describe('Who the customers are, e.g. "B2B SaaS teams of 10–500 people".'),
      }),
    },
    ({ decision, customers }) => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: `Set up a customer-segmentation study with the seglab tools.
Decision the segments will inform: ${decision}${customers ? `\nCustomers: ${customers}` : ''}

1. create_study with that decision, mode "hybrid", probing_depth 2, and participant criteria that span new customers (first 30 days), long-tenure (12+ months), churned (last 90 days) and expanded customers (added seats or upgraded).
2. add_questions: 3–5 open-ended questions (how they discovered us, the decision moment and what almost stopped them, the first time it felt worth it, how important the problem is, the ideal outcome) and 3–4 structured anchors: a 1–10 scale on the core value, a single_choice primary use case, a ranking of price / speed / features / support / trust, and a yes_no on team vs solo use. Ask behavioural questions ("walk me through the last time…"), not demographic ones.
3. Tell me what to export from the CRM for import_participants: an id, email, name, plan, MRR, seats, tenure, usage signals, and a tags column with the lifecycle group.
4. Finish with get_study and explain what the readiness checklist still needs (aim for 30–50 interviews).`,
          },
        },
      ],
    }),
  );

  server.registerPrompt(
    'synthesize_findings',
    {
      title: 'Synthesize a study\'s findings',
      description: 'Writes an evidence-backed synthesis of a study: structured answers by lifecycle group, recurring themes with quotes, segments found by clustering, named, validated and prioritized.',
      argsSchema: z.object({
        study_id: completable(z.string().describe('The study id (list_studies shows them).'), async (value) => (await store.studies.completeStudyIds(value)).filter((id) => mayUseStudy(caller, Number(id)))),
      }),
    },
    ({ study_id }) => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: `Synthesize the findings of seglab study ${study_id}.
1. get_study: note the decision, the sample composition and any readiness warnings; say plainly if conclusions are premature (fewer than 30 interviews, only happy customers).
2. summarize_questions, then again with by: "tag": report the numbers that differ between lifecycle groups (n, means, shares, first choices), and call out groups under 5 people as anecdotes.
3. query_participants with text searches for the themes you see (price, onboarding, integrations, trust…) and get_participant for the most telling people; quote them verbatim with their participant ids.
4. cluster_participants (k: "auto"): read the diagnostics table and the warnings; then get_segmentation for profiles and persona cards. Name each segment by behaviour or motivation (e.g. "The Pragmatist") with update_segment, and give each a playbook for product, marketing, sales and customer success.
5. validate_segmentation: report each criterion with its evidence and the typing-tool rule that finds each segment in the CRM; prioritize_segments with revenue derived from a revenue attribute if there is one; name the beachhead.
Do not invent numbers: every figure must come from a tool result.`,
          },
        },
      ],
    }),
  );
}
