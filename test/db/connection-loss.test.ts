/**
 * postgres.js 3.4.9 throws from a setImmediate when a query is written to a connection whose server
 * backend has died (porsager/postgres#1208): an uncatchable TypeError that kills the whole worker. The
 * chaos runs hit it whenever Postgres dropped connections. patches/postgres+3.4.9.patch settles such
 * queries with a catchable CONNECTION_CLOSED instead; this is the upstream reproduction, run in a child
 * process so that a crash shows as its exit code rather than taking the test runner down.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);

const REPRODUCTION = `
import postgres from 'postgres';
const sql = postgres(process.env.URL, { max: 2, onnotice: () => {} });
const reserved = await sql.reserve();
const [{ pid }] = await reserved\`select pg_backend_pid() as pid\`;
await sql\`select pg_terminate_backend(\${pid})\`;
await new Promise((resolve) => setTimeout(resolve, 200));
try {
  await reserved\`select 1::int as n\`;
  console.log('answered');
} catch (error) {
  console.log('rejected ' + error.code);
}
reserved.release();
const [{ ok }] = await sql\`select true as ok\`;
console.log('pool still answers ' + ok);
await sql.end({ timeout: 1 });
`;

describe('the Postgres driver when the server kills a connection', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.destroy());

  it('rejects the queries written to the dead connection and keeps the process alive', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', REPRODUCTION], {
      cwd: process.cwd(),
      env: { ...process.env, URL: database.url },
      timeout: 20_000,
    });
    expect(stdout.trim().split('\n')).toEqual(['rejected CONNECTION_CLOSED', 'pool still answers true']);
  });
});
