import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';

describe('ValidationError', () => {
  it('lists at most 30 problems, each at most 400 characters, and says how many more there were', () => {
    const problems = Array.from({ length: 2000 }, (_, i) => `answers[${i}]: ${'x'.repeat(1000)}`);
    const error = new ValidationError(problems);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('Nothing was saved. Fix these and call again:');
    expect(lines).toHaveLength(1 + 30 + 1);
    expect(lines[1]!.length).toBeLessThanOrEqual(2 + 400);
    expect(lines.at(-1)).toBe('- … and 1970 more');
    expect(error.problems).toHaveLength(2000);
    expect(new ValidationError(['one']).message).toBe('Nothing was saved. Fix these and call again:\n- one');
  });
});
