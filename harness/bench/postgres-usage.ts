/**
 * What a benchmark's database costs Postgres: the CPU of the backends serving it (Postgres forks a
 * process per connection; the server's own background processes are shared, so they are left out), its
 * write counters and size, and the product's tables at the end.
 */
import postgres from 'postgres';
import { ADMIN_URL, withAdmin } from '../postgres.js';
import { cpuSeconds } from './proc.js';

/** CPU seconds so far of each of these backends that is still running, by pid. */
export function cpuOfBackends(pids: readonly number[]): Map<number, number> {
  return new Map(pids.flatMap((pid) => {
    const seconds = cpuSeconds(pid);
    return seconds === undefined ? [] : [[pid, seconds] as const];
  }));
}

/** CPU seconds so far of each Postgres backend serving `database`. */
export async function postgresBackendCpu(database: string): Promise<Map<number, number>> {
  const rows = await withAdmin((sql) => sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${database}`);
  return cpuOfBackends(rows.map((row) => row.pid));
}

/** CPU spent between two samples: backends present in both count their difference, new ones all they used. */
export function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

export interface DatabaseWrites {
  commits: number;
  inserted: number;
  updated: number;
  deleted: number;
  /** The database's size (pg_database_size): its growth over the window. */
  bytes: number;
}

/** Postgres's own counters for one database (pg_stat_database) and its size, to turn into a write rate. */
export async function databaseWrites(database: string): Promise<DatabaseWrites> {
  const [row] = await withAdmin((sql) => sql<{ commits: string; inserted: string; updated: string; deleted: string; bytes: string }[]>`
    select xact_commit::text as commits, tup_inserted::text as inserted, tup_updated::text as updated, tup_deleted::text as deleted,
           pg_database_size(datname)::text as bytes
    from pg_stat_database where datname = ${database}`);
  return { commits: Number(row?.commits ?? 0), inserted: Number(row?.inserted ?? 0), updated: Number(row?.updated ?? 0), deleted: Number(row?.deleted ?? 0), bytes: Number(row?.bytes ?? 0) };
}

export function writesBetween(before: DatabaseWrites, after: DatabaseWrites): DatabaseWrites {
  return {
    commits: after.commits - before.commits,
    inserted: after.inserted - before.inserted,
    updated: after.updated - before.updated,
    deleted: after.deleted - before.deleted,
    bytes: after.bytes - before.bytes,
  };
}

/** Row counts and on-disk sizes (table + indexes + TOAST) of the product's tables. */
export async function tableSizes(database: string): Promise<{ name: string; rows: number; bytes: number }[]> {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    const rows = await client<{ name: string; rows: string; bytes: string }[]>`
      select relname as name, n_live_tup::text as rows, pg_total_relation_size(relid)::text as bytes
      from pg_stat_user_tables where schemaname = 'public' order by pg_total_relation_size(relid) desc`;
    return rows.map((row) => ({ name: row.name, rows: Number(row.rows), bytes: Number(row.bytes) }));
  } finally {
    await client.end({ timeout: 5 });
  }
}
