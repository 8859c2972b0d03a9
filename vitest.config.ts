import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/support/slow-first-sequencer.js';

/**
 * Integration files run side by side: they mostly wait (on Temporal timers, HTTP, child processes), so
 * more forks than cores pays. Each file has its own database, task queue, merchant and free ports, so
 * none sees another's work. INTEGRATION_WORKERS overrides the count (1: one file at a time).
 */
const integrationWorkers = Number(process.env.INTEGRATION_WORKERS) || Math.max(3, availableParallelism());

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
    sequence: { sequencer: SlowFirstSequencer },
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
          maxWorkers: integrationWorkers,
          // After the unit files (a project of its own maxWorkers needs a group of its own).
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
