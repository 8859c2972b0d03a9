/**
 * Test databases on the real Postgres server (127.0.0.1:5432 here and in CI): one template migrated
 * per run, and a copy of it per test file (`CREATE DATABASE … TEMPLATE …` takes milliseconds).
 */
import postgres from 'postgres';

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdmin<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function createDatabase(name: string, template?: string): Promise<void> {
  await withAdmin(async (sql) => {
    for (let attempt = 0; ; attempt++) {
      try {
        if (template) await sql.unsafe(`create database "${name}" template "${template}"`);
        else await sql.unsafe(`create database "${name}"`);
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
    const rows = await sql<{ datname: string }[]>`select datname from pg_database where datname like ${`${prefix}%`}`;
    for (const { datname } of rows) await sql.unsafe(`drop database if exists "${datname}" with (force)`);
  });
}
