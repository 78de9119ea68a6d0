/**
 * Expected errors: their message goes to the assistant as an `isError` tool result, so it
 * must say what was wrong and what to do next. Anything else is logged and reported by id.
 */
export class UserError extends Error {
  override name = 'UserError';
}

export class NotFoundError extends UserError {
  override name = 'NotFoundError';
}

/** The client cancelled the call (notifications/cancelled) or the server is draining: the work stopped and nothing was saved. */
export class CancelledError extends UserError {
  override name = 'CancelledError';
  constructor() {
    super('Cancelled by the client; nothing was saved.');
  }
}

/** Problems a message lists before "… and N more" (each at most PROBLEM_CHARS long): errors stay readable. */
const MAX_PROBLEMS = 30;
const PROBLEM_CHARS = 400;

/** Several problems found at once (e.g. every bad answer of an interview), reported together. */
export class ValidationError extends UserError {
  override name = 'ValidationError';
  constructor(
    readonly problems: string[],
    heading = 'Nothing was saved. Fix these and call again:',
  ) {
    const listed = problems.slice(0, MAX_PROBLEMS).map((p) => `- ${p.length > PROBLEM_CHARS ? `${p.slice(0, PROBLEM_CHARS - 1)}…` : p}`);
    if (problems.length > MAX_PROBLEMS) listed.push(`- … and ${problems.length - MAX_PROBLEMS} more`);
    super(`${heading}\n${listed.join('\n')}`);
  }
}

/** Lists allowed values in an error message the way every tool does. */
export function listOf(values: readonly string[], max = 30): string {
  const shown = values.slice(0, max).map((v) => `"${v}"`);
  if (values.length > max) shown.push(`… (${values.length - max} more)`);
  return shown.join(', ');
}
