/**
 * createServer: an McpServer with every tool, prompt and resource, built from its dependencies.
 * No environment, no process: the CLI, the HTTP sessions and the tests all call this.
 */
import { McpServer } from '@modelcontextprotocol/server';
import { readFileSync } from 'node:fs';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import type { ToolDeps } from './tools/define.js';
import { registerTools } from './tools/register.js';
import { tools } from './tools/index.js';

export const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const INSTRUCTIONS = `seglab is a customer-segmentation research workbench.
Workflow: create_study → add_questions → import_participants → record_interview (code_themes) → query_participants / summarize_questions / crosstab / driver_analysis → cluster_participants or segment_by_rules → get_segmentation → update_segment (names, playbooks) → validate_segmentation → prioritize_segments → generate_report / export_segments.
get_study shows a study's questions, attributes and what it still lacks (30–50 interviews, structured questions, churned and expanded customers).
Question keys and attribute names from get_study are the fields of query_participants and summarize_questions (answer.<key>, attr.<name>, tag, theme, status).`;

export function createServer(deps: ToolDeps): McpServer {
  const server = new McpServer(
    { name: 'seglab', title: 'seglab — customer segmentation research', version },
    { capabilities: { logging: {} }, instructions: INSTRUCTIONS },
  );
  registerTools(server, tools, deps);
  registerPrompts(server, deps.store, deps.caller);
  registerResources(server, deps);
  return server;
}
