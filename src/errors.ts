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

/** Several problems found at once (e.g. every bad answer of an interview), reported together. */
export class ValidationError extends UserError {
  override name = 'ValidationError';
  constructor(
    readonly problems: string[],
    heading = 'Nothing was saved. Fix these and call again:',
  ) {
    super(`${heading}\n${problems.map((p) => `- ${p}`).join('\n')}`);
  }
}

/** Lists allowed values in an error message the way every tool does. */
export function listOf(values: readonly string[], max = 30): string {
  const shown = values.slice(0, max).map((v) => `"${v}"`);
  if (values.length > max) shown.push(`… (${values.length - max} more)`);
  return shown.join(', ');
}
