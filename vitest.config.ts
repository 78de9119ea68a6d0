import { defineConfig } from 'vitest/config';

// dist/ is built first: workers and the spawned servers run it (test/helpers/build-dist.ts).
const buildDist = './test/helpers/build-dist.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The default reporter for people, plus one line CI can read: "N passed, N failed" (both projects).
    reporters: ['default', './test/helpers/totals-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'sqlite', include: ['test/**/*.test.ts'], globalSetup: [buildDist] },
      },
      {
        // The tool and app suites again, on one PostgreSQL server started for the run (issue 16:
        // the same answers on both engines); every harness and app store gets a fresh database there.
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/tools/**/*.test.ts', 'test/app/**/*.test.ts'],
          // About a SQLite file (its bytes and WAL after an erasure, an import's worker and writer threads): their
          // harness opens a file (connect({ dbPath })) in either project, so they run once, here not.
          exclude: ['test/tools/delete-participant.test.ts', 'test/tools/delete-study.test.ts', 'test/tools/import-long.test.ts', 'test/app/import-writer.test.ts'],
          globalSetup: [buildDist, './test/helpers/postgres-server.ts'],
        },
      },
    ],
  },
});
