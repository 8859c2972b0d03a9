/** A fresh, migrated Postgres database for one test file, copied from the run's template. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client.js';
import { createDatabase, databaseUrl, dropDatabase } from '../../harness/postgres.js';

export interface TestDatabase extends DatabaseHandle {
  name: string;
  url: string;
  /** Closes the pool and drops the database. */
  destroy(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `${inject('databasePrefix')}${randomBytes(4).toString('hex')}`;
  await createDatabase(name, inject('templateDatabase'));
  const url = databaseUrl(name);
  const handle = await openDatabase({ url, maxConnections: 5 });
  return {
    ...handle,
    name,
    url,
    async destroy() {
      await handle.close();
      await dropDatabase(name);
    },
  };
}
