/**
 * Who may do what. A caller has one role; each tool needs one (read-only tools: viewer; other
 * research tools: editor; deletion: owner). A caller may also be limited to some studies.
 */
export const ROLES = ['viewer', 'editor', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  /** How the caller signed in: the local user (stdio, or loopback HTTP without --auth), an API token, or OAuth. */
  kind: 'local' | 'token' | 'oauth';
  /** Who, as the audit log records it: the token's name or the OAuth subject. */
  name: string;
  role: Role;
  /** The studies the caller may see and change; null for every study. */
  studies: number[] | null;
  /** The token row (API tokens): tells a revoked and re-created token of the same name apart. */
  tokenId?: number;
}

/** The single local user of stdio: may do everything. */
export const LOCAL_OWNER: Caller = { kind: 'local', name: 'local', role: 'owner', studies: null };

export function atLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** The role a tool needs unless it says otherwise: reading needs a viewer, writing an editor. */
export function neededRole(tool: { role?: Role | undefined; annotations: { readOnlyHint?: boolean | undefined } }): Role {
  return tool.role ?? (tool.annotations.readOnlyHint ? 'viewer' : 'editor');
}

export function mayUseStudy(caller: Caller, studyId: number): boolean {
  return caller.studies === null || caller.studies.includes(studyId);
}

/** OAuth scopes → role: seglab:admin owner, seglab:write editor, seglab:read viewer (the highest granted wins). */
export const SCOPE_ROLES: Record<string, Role> = { 'seglab:read': 'viewer', 'seglab:write': 'editor', 'seglab:admin': 'owner' };

export function roleFromScopes(scopes: readonly string[]): Role | null {
  let best: Role | null = null;
  for (const scope of scopes) {
    const role = SCOPE_ROLES[scope];
    if (role && (best === null || atLeast(role, best))) best = role;
  }
  return best;
}

/** Identifies a sign-in for binding a session to it: the same person with the same rights. */
export function callerKey(caller: Caller): string {
  return JSON.stringify([caller.kind, caller.name, caller.tokenId ?? null, caller.role, caller.studies]);
}
