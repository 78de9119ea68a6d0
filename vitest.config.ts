import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // dist/ is built first: workers and the spawned servers run it (test/helpers/build-dist.ts).
    globalSetup: ['./test/helpers/build-dist.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The default reporter for people, plus one line CI can read: "N passed, N failed".
    reporters: ['default', './test/helpers/totals-reporter.ts'],
  },
});
