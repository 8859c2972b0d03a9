/**
 * Throwaway Postgres databases on the real server (127.0.0.1:5432, role `postgres` without a password,
 * or TEST_DATABASE_ADMIN_URL): a migrated template per test run and a copy of it per test file, or a
 * database created and migrated for one chaos run or benchmark; all dropped afterwards. The harness's
 * own connections carry another `application_name` than the product's (`quickbooks-sync`), so that
 * terminating "the workers' connections" never cuts our own.
 */
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { openDatabase, type Database } from '../db/client.js';
import { migrateDatabase } from '../db/migrate.js';
import * as schema from '../db/schema/index.js';

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The `application_name` db/client.ts gives every product connection (worker and API). */
export const PRODUCT_APPLICATION_NAME = 'quickbooks-sync';
const ORCHESTRATOR_APPLICATION_NAME = 'qbo-orchestrator';

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdmin<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connection: { application_name: ORCHESTRATOR_APPLICATION_NAME } });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Creates a database, empty or as a copy of `template` (a copy takes milliseconds). */
export async function createDatabase(name: string, template?: string): Promise<void> {
  await withAdmin(async (sql) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await sql.unsafe(template ? `create database "${name}" template "${template}"` : `create database "${name}"`);
        return;
      } catch (error) {
        // Two files copying the template at the same instant: Postgres asks the second to wait.
        if (attempt < 20 && /being accessed by other users/.test((error as Error).message)) {
          await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
          continue;
        }
        throw error;
      }
    }
  });
}

export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
}

export async function dropDatabasesWithPrefix(prefix: string): Promise<void> {
  await withAdmin(async (sql) => {
    const rows = await sql<{ datname: string }[]>`select datname from pg_database where starts_with(datname, ${prefix})`;
    for (const { datname } of rows) await sql.unsafe(`drop database if exists "${datname}" with (force)`);
  });
}

export interface ScratchDatabase {
  name: string;
  url: string;
  /** A drizzle handle of the orchestrator's own (not `quickbooks-sync`, so terminations spare it). */
  db: Database;
  /** Closes our pool and drops the database (`with (force)`, whoever is still connected). */
  drop(): Promise<void>;
}

/** Creates `name` (dropping a leftover of that name first), applies the migrations, and opens a small pool on it. */
export async function createScratchDatabase(name: string, options: { maxConnections?: number } = {}): Promise<ScratchDatabase> {
  if (!/^[a-z0-9_]{1,63}$/.test(name)) throw new Error(`"${name}" is not a safe database name`);
  await dropDatabase(name);
  await createDatabase(name);
  const url = databaseUrl(name);
  const migrator = await openDatabase({ url, maxConnections: 1 });
  try {
    await migrateDatabase(migrator);
  } finally {
    await migrator.close();
  }
  const client = postgres(url, { max: options.maxConnections ?? 5, onnotice: () => {}, connection: { application_name: ORCHESTRATOR_APPLICATION_NAME } });
  const db = drizzle(client, { schema, casing: 'snake_case' }) as unknown as Database;
  return {
    name,
    url,
    db,
    async drop() {
      await client.end({ timeout: 5 });
      await dropDatabase(name);
    },
  };
}

/**
 * Drops leftovers of runs that died without cleaning up: databases named `<prefix><pid>_…` whose pid is no
 * longer a running process. Databases of live runs (another chaos run, `npm test`) are left alone.
 */
export async function dropOrphanDatabases(prefix: string): Promise<string[]> {
  return withAdmin(async (sql) => {
    const rows = await sql<{ datname: string }[]>`select datname from pg_database where starts_with(datname, ${prefix})`;
    const dropped: string[] = [];
    for (const { datname } of rows) {
      const pid = Number(/^(\d+)_/.exec(datname.slice(prefix.length))?.[1]);
      if (!Number.isInteger(pid) || isAlive(pid)) continue;
      await sql.unsafe(`drop database if exists "${datname}" with (force)`);
      dropped.push(datname);
    }
    return dropped;
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `pg_terminate_backend` on every product connection to `database` (the workers' pools); returns how many. */
export async function terminateProductConnections(database: string): Promise<number> {
  return withAdmin(async (sql) => {
    const rows = await sql<{ terminated: boolean }[]>`
      select pg_terminate_backend(pid) as terminated from pg_stat_activity
      where datname = ${database} and application_name = ${PRODUCT_APPLICATION_NAME} and pid <> pg_backend_pid()`;
    return rows.filter((row) => row.terminated).length;
  });
}
