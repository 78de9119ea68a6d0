/**
 * Toolsets: named groups of tools, for clients that want fewer tools in their context
 * (`seglab serve --toolsets analysis,segments`), and the read-only catalog (`--read-only`: only
 * tools that change nothing). Every tool belongs to exactly one toolset (a test checks it).
 */
import { UserError } from '../errors.js';

export const TOOLSETS = {
  /** Studies, questions, the CRM import and attribute types. */
  setup: ['create_study', 'list_studies', 'get_study', 'add_questions', 'import_participants', 'set_attribute_type'],
  /** Recording interviews, reading participants, coding themes. */
  interviews: ['record_interview', 'get_participant', 'query_participants', 'code_themes'],
  /** Numbers across the study. */
  analysis: ['summarize_questions', 'crosstab', 'driver_analysis'],
  /** Making, reading, checking and using segmentations. */
  segments: ['cluster_participants', 'segment_by_rules', 'get_segmentation', 'update_segment', 'compare_segments', 'validate_segmentation', 'prioritize_segments', 'assign_participants', 'segment_migration'],
  /** The report and the CRM export. */
  reports: ['generate_report', 'export_segments'],
  /** Erasure and API tokens. */
  admin: ['delete_participant', 'delete_study', 'manage_tokens'],
  /** search and fetch, for ChatGPT connectors and deep research. */
  search: ['search', 'fetch'],
} as const satisfies Record<string, readonly string[]>;

export type ToolsetName = keyof typeof TOOLSETS;
export const TOOLSET_NAMES = Object.keys(TOOLSETS) as ToolsetName[];

/** Which tools a server offers: all, or those of the named toolsets; with `readOnly`, only tools that change nothing. */
export interface Catalog {
  toolsets: ToolsetName[] | null;
  readOnly: boolean;
}

export const FULL_CATALOG: Catalog = { toolsets: null, readOnly: false };

/** `--toolsets a,b` as toolset names, or a clear error naming the allowed ones. */
export function parseToolsets(text: string): ToolsetName[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(TOOLSET_NAMES as string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new UserError(`--toolsets: ${unknown.length ? `unknown ${unknown.map((n) => `"${n}"`).join(', ')}` : 'name at least one'}; toolsets are ${TOOLSET_NAMES.join(', ')} (comma-separated).`);
  }
  return [...new Set(names)] as ToolsetName[];
}

/** Whether a catalog offers a tool. */
export function inCatalog(tool: { name: string; annotations: { readOnlyHint?: boolean } }, catalog: Catalog): boolean {
  if (catalog.readOnly && tool.annotations.readOnlyHint !== true) return false;
  return catalog.toolsets === null || catalog.toolsets.some((set) => (TOOLSETS[set] as readonly string[]).includes(tool.name));
}
