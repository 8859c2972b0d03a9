/**
 * A child process of the throttled benchmark: our Accounting API client and realm rate limiter (the
 * product's code, with the requestsPerMinute under test) fetching 1,000-record pages of one company as
 * fast as they let it, `concurrency` at a time, for `durationMs`. No storage, so the only limit left is
 * the limiter (and QuickBooks' answer to it). Reads its job as JSON on stdin, prints its tally as JSON.
 * With `databaseUrl` it uses the fleet-wide limiter in that Postgres (as a worker process does), so
 * several of these processes share one realm's budget; without it, the in-memory limiter at
 * `requestsPerMinute`.
 */
import { openDatabase } from '../../db/client.js';
import { createAccountingApi } from '../../quickbooks/accounting-api.js';
import { ThrottledError } from '../../quickbooks/errors.js';
import { createRealmRateLimiter } from '../../quickbooks/rate-limiter.js';
import { createSharedRealmRateLimiter } from '../../quickbooks/shared-rate-limiter.js';

export interface LimiterDriveJob {
  simulatorUrl: string;
  realmId: string;
  accessToken: string;
  requestsPerMinute: number;
  /** The fleet-wide limiter in this database instead of the in-memory one. */
  databaseUrl?: string;
  /** Start only at this wall-clock time (ms), so that several drives begin together. */
  startAt?: number;
  concurrency: number;
  durationMs: number;
  statements: string[];
}

export interface LimiterDriveTally {
  requests: number;
  records: number;
  throttled: number;
  failed: number;
}

async function drive(job: LimiterDriveJob): Promise<LimiterDriveTally> {
  const database = job.databaseUrl ? await openDatabase({ url: job.databaseUrl, maxConnections: 2 }) : undefined;
  const limiter = database ? createSharedRealmRateLimiter({ db: database.db }) : createRealmRateLimiter({ requestsPerMinute: job.requestsPerMinute });
  const api = createAccountingApi({ baseUrl: job.simulatorUrl, limiter, requestTimeoutMs: 60_000 });
  if (job.startAt !== undefined) await new Promise((resolve) => setTimeout(resolve, Math.max(0, job.startAt! - Date.now())));
  const tally: LimiterDriveTally = { requests: 0, records: 0, throttled: 0, failed: 0 };
  const deadline = Date.now() + job.durationMs;
  let next = 0;
  const lane = async () => {
    while (Date.now() < deadline) {
      const statement = job.statements[next++ % job.statements.length]!;
      try {
        const page = await api.query({ realmId: job.realmId, accessToken: job.accessToken, statement, signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
        tally.requests += 1;
        tally.records += page.records.length;
      } catch (error) {
        if (error instanceof ThrottledError) tally.throttled += 1;
        else if (Date.now() < deadline) tally.failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, lane));
  await database?.close();
  return tally;
}

let input = '';
process.stdin.on('data', (chunk: Buffer) => void (input += chunk.toString()));
process.stdin.on('end', () => {
  drive(JSON.parse(input) as LimiterDriveJob).then(
    (tally) => {
      process.stdout.write(`${JSON.stringify(tally)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack}\n`);
      process.exit(1);
    },
  );
});
