/**
 * Runs once per `vitest run`: starts one real Temporal dev server (with the contract's search
 * attributes), migrates a template Postgres database, and bundles the workflow code once, as
 * `npm run build:workflows` does (with its source key): in-process workers load it, and so do the
 * worker processes tests spawn (WORKFLOW_BUNDLE_PATH, as in the image) instead of a webpack run each.
 * Test files reach them through `inject()` (see ./temporal.ts and ./database.ts).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../db/client.js';
import { migrateDatabase } from '../../db/migrate.js';
import { PROJECT_ROOT } from '../../shared/paths.js';
import { requireTemporalBinaries } from '../../local/temporal-binaries.js';
import { startTemporalDevServer } from '../../local/temporal-dev-server.js';
import { buildWorkflowBundle, quietBundlerLogger } from '../../worker/workflow-bundle.js';
import { createDatabase, databaseUrl, dropDatabasesWithPrefix } from '../../harness/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    temporalTestServerPath: string;
    databasePrefix: string;
    templateDatabase: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const binaries = requireTemporalBinaries();
  const prefix = `qbo_test_${process.pid}_`;
  const template = `${prefix}template`;

  const workflowBundlePath = join(PROJECT_ROOT, '.cache', `workflow-bundle-${process.pid}.js`);

  const [server] = await Promise.all([
    startTemporalDevServer({ cliPath: binaries.cli }),
    (async () => {
      await dropDatabasesWithPrefix(prefix);
      await createDatabase(template);
      const handle = await openDatabase({ url: databaseUrl(template), maxConnections: 1 });
      try {
        await migrateDatabase(handle);
      } finally {
        await handle.close();
      }
    })(),
    buildWorkflowBundle(workflowBundlePath, quietBundlerLogger(console.warn)),
  ]);

  project.provide('temporalAddress', server.address);
  project.provide('temporalNamespace', server.namespace);
  project.provide('temporalTestServerPath', binaries.testServer);
  project.provide('databasePrefix', prefix);
  project.provide('templateDatabase', template);
  project.provide('workflowBundlePath', workflowBundlePath);

  return async () => {
    await server.stop();
    await dropDatabasesWithPrefix(prefix);
    for (const file of [workflowBundlePath, `${workflowBundlePath}.json`]) rmSync(file, { force: true });
  };
}
