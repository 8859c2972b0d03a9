import { defineConfig } from 'vitest/config';

/**
 * Two projects. `unit`: pure logic (parsers, normalizers, the limiter, the checkpoint, the launcher's
 * plan, the compose file) — no Postgres, no Temporal, seconds in all (`npm run test:unit`). `integration`:
 * everything else, against one real Temporal dev server and a Postgres database per file, started by
 * the global setup.
 */
export default defineConfig({
  test: {
    restoreMocks: true,
    teardownTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.unit.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.unit.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/quiet-temporal.ts'],
          // Forked processes, not threads: the Temporal worker is a native addon (sdk-typescript#876).
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
