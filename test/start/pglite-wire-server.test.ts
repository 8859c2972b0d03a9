/**
 * The embedded PGlite served over the Postgres wire protocol (local/pglite-wire-server.ts) shares one
 * Postgres session between the in-process code and outside clients (postgres.js, psql). Neither may
 * ever see the other's half-done work: an outside statement waits for an in-process transaction to end,
 * and in-process queries wait for an outside transaction. A wrong password is refused; a client that
 * sits in an open transaction is rolled back and cut off, and the product carries on.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgliteWireServer, type RunningWireServer } from '../../local/pglite-wire-server.js';
import { createLogger } from '../../shared/logger.js';

const run = promisify(execFile);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PGlite over the wire protocol', () => {
  let db: PGlite;
  let server: RunningWireServer;
  let sql: postgres.Sql;

  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
    await db.exec('create table t (id int primary key, source text not null)');
    server = await startPgliteWireServer({ db, port: 0, password: 'local-secret', logger: createLogger({ level: 'silent' }), idleInTransactionMs: 1_500 });
    sql = postgres(server.url, { max: 3, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end({ timeout: 1 });
    await server?.stop();
    await db?.close();
  });

  it('never runs an outside statement inside an in-process transaction, nor the reverse', async () => {
    // In process: a transaction that pauses between its two inserts.
    const inProcess = db.transaction(async (tx) => {
      await tx.query(`insert into t values (1, 'in-process')`);
      await pause(300);
      await tx.query(`insert into t values (2, 'in-process')`);
    });
    await pause(50);
    // Outside: sees both rows or none, never one.
    const [seen] = await sql<{ n: number }[]>`select count(*)::int as n from t`;
    await inProcess;
    expect(seen!.n).toBe(2);

    // Outside: a transaction that pauses; the in-process query waits for it to commit.
    const outside = sql.begin(async (tx) => {
      await tx`insert into t values (3, 'outside')`;
      await pause(300);
      await tx`insert into t values (4, 'outside')`;
    });
    await pause(50);
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from t');
    await outside;
    expect(rows[0]!.n).toBe(4);
  });

  it('serves psql, and an outside error leaves the in-process session usable', async () => {
    const listed = await run('psql', [server.url, '-At', '-c', 'select id, source from t order by id']);
    expect(listed.stdout.trim().split('\n')).toEqual(['1|in-process', '2|in-process', '3|outside', '4|outside']);
    await expect(sql`select * from no_such_table`).rejects.toThrow(/does not exist/);
    const failed = await run('psql', [server.url, '-c', 'begin', '-c', 'select 1/0']).catch((error: { stderr: string }) => error);
    expect((failed as { stderr: string }).stderr).toMatch(/division by zero/);
    expect(db.isInTransaction()).toBe(false);
    expect((await db.query<{ ok: number }>('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('refuses a wrong password', async () => {
    const wrong = postgres(server.url.replace(':local-secret@', ':guess@'), { max: 1 });
    await expect(wrong`select 1`).rejects.toThrow(/password authentication failed/);
    await wrong.end({ timeout: 1 });
  });

  it('rolls back and cuts off a client idle in a transaction; the in-process code carries on', async () => {
    const idle = postgres(server.url, { max: 1 });
    const reserved = await idle.reserve();
    await reserved`begin`;
    await reserved`insert into t values (5, 'abandoned')`;
    // Waits for the outside transaction, then runs once the server gave up on it.
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from t where id = 5');
    expect(rows[0]!.n).toBe(0);
    await expect(reserved`select 1`).rejects.toThrow();
    await idle.end({ timeout: 1 }).catch(() => {});
  });
});
