/** Opens our database (PGlite in the data folder, or DATABASE_URL) and applies the migrations. */
import { mkdirSync } from 'node:fs';
import { openDatabase, type DatabaseHandle } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import type { Logger } from '../shared/logger.js';
import type { DatabasePlan } from './plan.js';

export async function openMigratedDatabase(plan: DatabasePlan, logger: Logger): Promise<DatabaseHandle> {
  const started = Date.now();
  if (plan.kind === 'pglite') mkdirSync(plan.dataDir, { recursive: true, mode: 0o700 });
  const handle = await openDatabase(plan.kind === 'pglite' ? { pgliteDataDir: plan.dataDir } : { url: plan.url });
  try {
    await migrateDatabase(handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
  logger.info({ driver: handle.driver, ...(plan.kind === 'pglite' ? { dataDir: plan.dataDir } : {}), ms: Date.now() - started }, 'database ready');
  return handle;
}
