/**
 * A child process of the throttled benchmark: our Accounting API client and realm rate limiter (the
 * product's code, with the requestsPerMinute under test) fetching 1,000-record pages of one company as
 * fast as they let it, `concurrency` at a time, for `durationMs`. No storage, so the only limit left is
 * the limiter (and QuickBooks' answer to it). Reads its job as JSON on stdin, prints its tally as JSON.
 */
import { createAccountingApi } from '../../quickbooks/accounting-api.js';
import { ThrottledError } from '../../quickbooks/errors.js';
import { createRealmRateLimiter } from '../../quickbooks/rate-limiter.js';

export interface LimiterDriveJob {
  simulatorUrl: string;
  realmId: string;
  accessToken: string;
  requestsPerMinute: number;
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
  const api = createAccountingApi({ baseUrl: job.simulatorUrl, limiter: createRealmRateLimiter({ requestsPerMinute: job.requestsPerMinute }), requestTimeoutMs: 60_000 });
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
