/**
 * The caller's rights at the tool boundary: which tools a server offers them (the others are
 * absent from tools/list; the server's catalog narrows them further), whether a call's study is
 * theirs, and the audit record of a write.
 */
import { atLeast, LOCAL_OWNER, mayUseStudy, neededRole, type Caller } from '../domain/access.js';
import { summarizeArguments } from '../domain/audit-summary.js';
import { UserError } from '../errors.js';
import type { Store } from '../store/index.js';
import type { ToolDefinition } from './define.js';
import { FULL_CATALOG, inCatalog, type Catalog } from './toolsets.js';

/** The tools a server offers: those of its catalog (--toolsets, --read-only) the caller's role allows. */
export function offeredTools(tools: readonly ToolDefinition[], caller: Caller = LOCAL_OWNER, catalog: Catalog = FULL_CATALOG): ToolDefinition[] {
  return tools.filter((tool) => atLeast(caller.role, neededRole(tool)) && inCatalog(tool, catalog));
}

/** The study a call is about: its study_id, or the study of its segmentation_id. */
export async function studyOfCall(store: Store, args: Record<string, unknown>): Promise<number | null> {
  if (typeof args.study_id === 'number') return args.study_id;
  if (typeof args.segmentation_id === 'number') {
    try {
      return (await store.segmentations.get(args.segmentation_id)).study_id;
    } catch {
      return null; // the tool itself reports the unknown id
    }
  }
  return null;
}

/** Refuses a call outside the caller's role or studies, with a message saying why. */
export async function admit(tool: ToolDefinition, args: Record<string, unknown>, store: Store, caller: Caller = LOCAL_OWNER): Promise<void> {
  const needed = neededRole(tool);
  if (!atLeast(caller.role, needed)) throw new UserError(`${tool.name} needs the ${needed} role; "${caller.name}" is a ${caller.role}.`);
  if (caller.studies === null) return;
  const study = await studyOfCall(store, args);
  // A write that names no study (create_study) would reach beyond the caller's studies.
  if (study === null && !tool.annotations.readOnlyHint) {
    throw new UserError(`"${caller.name}" is limited to studies ${caller.studies.join(', ')}: ${tool.name} would reach beyond them.`);
  }
  if (study !== null && !mayUseStudy(caller, study)) {
    throw new UserError(`"${caller.name}" may use studies ${caller.studies.join(', ')} only; study ${study} is not one of them.`);
  }
}

/** Records a successful write in the audit log (reads are not recorded). */
export async function recordWrite(tool: ToolDefinition, args: Record<string, unknown>, result: Record<string, unknown>, store: Store, caller: Caller = LOCAL_OWNER): Promise<void> {
  if (tool.annotations.readOnlyHint) return;
  const study = await studyOfCall(store, args) ?? (typeof result.study_id === 'number' ? result.study_id : null);
  await store.audit.record(caller, tool.name, study, summarizeArguments(tool.auditArguments ? tool.auditArguments(args as never) : args));
}
