/** `npm run db:migrate`: applies pending migrations to DATABASE_URL (or to PGlite in .data/ when unset). */
import { join } from 'node:path';
import { loadConfig } from '../shared/config.js';
import { openDatabase } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';

const config = loadConfig('start');
const handle = await openDatabase({ url: config.databaseUrl, pgliteDataDir: config.pgliteDataDir ?? join(process.cwd(), '.data', 'pglite') });
try {
  await migrateDatabase(handle);
  console.log(`migrations applied (${handle.driver})`);
} finally {
  await handle.close();
}
