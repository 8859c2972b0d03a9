/**
 * Opens the database: Postgres through postgres.js when DATABASE_URL is set, otherwise PGlite (embedded
 * Postgres in WebAssembly) in a data directory or in memory. Both are the same drizzle `Database`.
 */
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/** The handle a transaction callback receives; query functions accept either. */
export type Executor = Parameters<Parameters<Database['transaction']>[0]>[0] | Database;

export interface DatabaseHandle {
  db: Database;
  driver: 'postgres' | 'pglite';
  /** The PGlite instance itself (PGlite only): `npm start` serves it to other processes over the wire protocol. */
  pglite?: PGlite;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A postgres:// URL; without it PGlite is used. */
  url?: string | undefined;
  /** PGlite's data directory; without it PGlite keeps everything in memory. */
  pgliteDataDir?: string | undefined;
  /** postgres.js pool size. */
  maxConnections?: number;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const client = postgres(options.url, { max: options.maxConnections ?? 10, onnotice: () => {}, connection: { application_name: 'quickbooks-sync' } });
    return {
      db: drizzlePostgres(client, { schema, casing: 'snake_case' }) as unknown as Database,
      driver: 'postgres',
      close: () => client.end({ timeout: 5 }),
    };
  }
  const client = options.pgliteDataDir ? new PGlite(options.pgliteDataDir) : new PGlite();
  await client.waitReady;
  return {
    db: drizzlePglite(client, { schema, casing: 'snake_case' }) as unknown as Database,
    driver: 'pglite',
    pglite: client,
    close: () => client.close(),
  };
}
