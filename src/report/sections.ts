/**
 * Building a report section by section: a section that cannot be built for a stated reason (a
 * UserError, e.g. a field with more categories than a table shows) is listed as omitted with
 * that reason; anything else is a failure, listed with a ref the server log has the details of.
 * Never a silently missing section. Plain data, so it crosses the analyses worker's boundary.
 */
import { randomUUID } from 'node:crypto';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Omission, SectionFailure } from './model.js';

export interface SectionError extends SectionFailure {
  detail: string;
}

export class SectionRecorder {
  readonly failures: SectionError[] = [];
  readonly omitted: Omission[] = [];

  /** Runs `build`; on an error records it and returns null. */
  async attempt<T>(section: string, build: () => Promise<T>): Promise<T | null> {
    try {
      return await build();
    } catch (error) {
      if (error instanceof UserError) this.omitted.push({ section, reason: error.message });
      else this.failures.push({ section, ref: randomUUID().slice(0, 8), detail: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      return null;
    }
  }

  /** Adds what another recorder (e.g. the worker's) found. */
  merge(other: { failures: SectionError[]; omitted: Omission[] }): void {
    this.failures.push(...other.failures);
    this.omitted.push(...other.omitted);
  }

  /** Logs each failure with its ref; returns what the report shows. */
  report(log: Logger | undefined): { failed_sections: SectionFailure[]; omitted: Omission[] } {
    for (const f of this.failures) log?.error(`report section "${f.section}" failed (ref ${f.ref})`, f.detail);
    return { failed_sections: this.failures.map(({ section, ref }) => ({ section, ref })), omitted: this.omitted };
  }
}
