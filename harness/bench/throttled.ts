/**
 * throttled_backfill_ratio: the simulator enforces Intuit's limits per realm (INTUIT_LIMITS: 500 requests
 * in any minute, 10 in any second, 10 concurrent); pages are 1,000 records, so no client can store more
 * than 500 × 1,000 / 60 ≈ 8,333 records/s from one company for longer than a minute. The product
 * (production worker, its fleet-wide limiter: DEFAULT_REALM_BUDGET) backfills a company — 400,000 records
 * by default, ≈ 440 requests, done within a minute at Intuit's 10 a second; `--throttled-records 1000000`
 * for one where the minute binds too — and the ratio is the records of the pages completed within whole
 * minutes from the first page request (the backfill's duration when it is shorter), per second, over that
 * bound: a sliding 60-second limit binds per minute, so partial minutes would flatter or punish the
 * result. Whether the limits bound is checked from the simulator's request log (the busiest second and
 * 60 s window, and 429s).
 *
 * When the product cannot fetch and store 8.3 pages a second (one worker process is one CPU core), the
 * limit never binds end to end. The limiter itself is then measured where it does bind: our Accounting
 * API client and realm limiter (product code, in a child process, no storage) fetch 1,000-record pages
 * (of two fields, so that parsing does not become the limit) 10 at a time, once per limiter setting
 * (the default first, then the settings asked for: 450 and 500), each against its own company, counted over whole
 * minutes from the first request (a fast client spends each minute's budget in a burst, so only whole
 * minutes compare with the bound).
 */
import { spawn } from 'node:child_process';
import { and, eq } from 'drizzle-orm';
import { syncRuns } from '../../db/schema/index.js';
import { changedSinceQuery } from '../../quickbooks/queries.js';
import { DEFAULT_REQUESTS_PER_MINUTE } from '../../quickbooks/rate-limiter.js';
import { DEFAULT_REALM_BUDGET } from '../../quickbooks/realm-budget.js';
import { workflowIdForConnection } from '../../shared/contract.js';
import { authorizeRealm } from '../connect.js';
import { busiestWindow } from './request-log.js';
import { waitFor } from '../retry.js';
import { PROJECT_ROOT } from '../../shared/paths.js';
import { INTUIT_LIMITS, QUICKBOOKS_BOUND_RECORDS_PER_S } from './backfill.js';
import { companyOf, recordsIn, startBenchStack, type BenchStack } from './bench-stack.js';
import { atLeast, atMost, type BenchContext, type BenchmarkResult, type Figure } from './figures.js';
import { activityResults, historiesOf } from './history.js';
import type { LimiterDriveJob, LimiterDriveTally } from './limiter-drive.js';
import { cpuSeconds } from './proc.js';
import { profileFlags } from './profiles.js';
import { round } from './stats.js';

const PAGE = 1000;
const MINUTE = 60_000;

export async function throttledBenchmark(context: BenchContext): Promise<BenchmarkResult> {
  const total = context.options.throttledRecords ?? (context.quick ? 120_000 : 400_000);
  const limits = [DEFAULT_REQUESTS_PER_MINUTE, ...(context.options.throttledLimits ?? (context.quick ? [500] : [450, 500]))];
  // Whole minutes (plus a few seconds for the last one's requests to land): the limit binds per minute.
  const driveMinutes = context.quick ? 1 : 2;
  const stack = await startBenchStack({ name: 'throttled', simulatorConfig: INTUIT_LIMITS, syncIntervalMs: 15 * 60_000 });
  const notes: string[] = [];
  const figures: Figure[] = [];
  try {
    // MARK: the product, end to end
    const worker = await stack.startWorker({ label: 'worker', nodeFlags: profileFlags(context, 'throttled-worker') });
    const merchant = await stack.createApiMerchant();
    const company = companyOf(total, 200);
    const { realmId } = await stack.simulator.control.createCompany(company);
    context.log(`throttled: backfilling ${recordsIn(company)} records under 500 requests/min`);
    const cpuBefore = cpuSeconds(worker.pid) ?? 0;
    const connectedAt = Date.now();
    const connectionId = await stack.connectViaApi(merchant.apiKey, realmId);
    await waitFor(
      'the throttled backfill to complete',
      async () => {
        const [run] = await stack.database.db.select({ id: syncRuns.id }).from(syncRuns).where(and(eq(syncRuns.connectionId, connectionId), eq(syncRuns.kind, 'backfill'), eq(syncRuns.outcome, 'succeeded')));
        return run;
      },
      { timeoutMs: 90 * MINUTE, intervalMs: 500 },
    );
    const cpuUsed = (cpuSeconds(worker.pid) ?? cpuBefore) - cpuBefore;
    const requests = (await stack.simulator.control.requests({ realmId, kind: 'api', since: new Date(connectedAt).toISOString() })).data;
    const pages = (await historiesOf(stack.client, workflowIdForConnection(connectionId)))
      .flatMap((run) => activityResults<{ fetched: number }>(run.events, 'pullEntityPage'))
      .sort((a, b) => a.completedMs - b.completedMs);
    const firstRequest = Date.parse(requests.find((request) => request.path.endsWith('/query'))!.at);
    const lastPage = pages[pages.length - 1]!.completedMs;
    const minutes = Math.floor((lastPage - firstRequest) / MINUTE);
    const windowMs = minutes > 0 ? minutes * MINUTE : lastPage - firstRequest;
    const recordsInWindow = pages.filter((page) => page.completedMs < firstRequest + windowMs).reduce((sum, page) => sum + page.result.fetched, 0);
    const ratio = recordsInWindow / (windowMs / 1000) / QUICKBOOKS_BOUND_RECORDS_PER_S;
    const busiest = busiestWindow(requests, MINUTE);
    const throttled = requests.filter((request) => request.status === 429).length;
    figures.push({ name: 'throttled_backfill_ratio', value: round(ratio, 3), target: atLeast(0.95) });
    figures.push({ name: 'throttled_backfill_429s', value: throttled, target: atMost(0) });
    const pagesPerMinute = round((pages.length / ((lastPage - firstRequest) / 1000)) * 60);
    notes.push(
      `product: ${pages.reduce((sum, page) => sum + page.result.fetched, 0)} records in ${pages.length} pages; window ${minutes > 0 ? `${minutes} whole minute(s)` : `${round(windowMs / 1000)} s (the backfill lasted less than a minute: Intuit's minute never filled, its second did)`} ` +
        `from the first page request: ${recordsInWindow} records = ${round(recordsInWindow / (windowMs / 1000))} records/s over the bound ${round(QUICKBOOKS_BOUND_RECORDS_PER_S)} → ${round(ratio, 3)}.`,
      `product: ${requests.length} requests; busiest 60 s window ${busiest} (the limiter allows ${DEFAULT_REALM_BUDGET.requestsPerMinute}, QuickBooks 500), busiest second ${busiestWindow(requests, 1_000)} ` +
        `(the limiter paces ${DEFAULT_REALM_BUDGET.requestsPerSecond}/s, QuickBooks 10); ${throttled} answered 429. ` +
        (busiest < DEFAULT_REALM_BUDGET.requestsPerMinute - 10 && minutes > 0
          ? `The limit did not bind: the worker fetched and stored ${pagesPerMinute} pages/min, ${round((cpuUsed / (pages.length * PAGE)) * 1000, 3)} ms of worker CPU per record ` +
            `(${round((cpuUsed / ((lastPage - connectedAt) / 1000)) * 100)}% of a core): the ratio measures the machine, not the limiter.`
          : `${pagesPerMinute} pages/min.`),
    );

    // MARK: the limiter where it binds (the one-process limiter: it keeps the minute, not the second's pace)
    await stack.simulator.control.setConfig({ requestsPerSecond: null });
    // MARK: the limiter where it binds
    for (const limit of limits) {
      const drive = await driveLimiter(stack, limit, driveMinutes, context);
      figures.push({ name: `throttled_client_ratio_at_${limit}_per_min`, value: round(drive.ratio, 3), target: atLeast(0.95) });
      figures.push({ name: `throttled_client_429s_at_${limit}_per_min`, value: drive.throttled });
      notes.push(
        `client + limiter at ${limit}/min${limit === DEFAULT_REQUESTS_PER_MINUTE ? ' (the product default)' : ''}, no storage, 10 concurrent, 1,000-record field-list pages: ` +
          `${drive.inWindow} pages accepted in the ${driveMinutes} whole minute(s) from the first request → ${round(drive.ratio, 3)} of the bound; ` +
          `${drive.throttled} answered 429${drive.throttled > 0 ? ' (each pauses the realm 60 s)' : ''}; driver tally ${JSON.stringify(drive.tally)}.`,
      );
      context.log(`throttled: limiter ${limit}/min → ratio ${round(drive.ratio, 3)}, ${drive.throttled} × 429`);
    }
    return { figures, notes };
  } finally {
    await stack.close();
  }
}

async function driveLimiter(stack: BenchStack, requestsPerMinute: number, minutes: number, context: BenchContext) {
  // A company of its own: QuickBooks' window is per realm, and the product's backfill used the other one.
  const { realmId } = await stack.simulator.control.createCompany({ seed: 300 + requestsPerMinute, invoices: 20_000, customers: 200, items: 20 });
  const tokens = await authorizeRealm(stack, realmId);
  // 1,000-record pages with two fields each: the limiter counts requests, not bytes, and a full page's
  // parse (~0.1 s of CPU) would make this one process the bottleneck instead of the limiter under test.
  const statements = Array.from({ length: 20 }, (_, page) =>
    changedSinceQuery({ entity: 'Invoice', since: '2000-01-01T00:00:00Z', startPosition: page * PAGE + 1, maxResults: PAGE }).replace('SELECT *', 'SELECT Id, MetaData.LastUpdatedTime'),
  );
  const durationMs = minutes * MINUTE + 5_000;
  const job: LimiterDriveJob = { simulatorUrl: stack.simulator.url, realmId, accessToken: tokens.accessToken, requestsPerMinute, concurrency: 10, durationMs, statements };
  context.log(`throttled: driving the limiter at ${requestsPerMinute}/min for ${minutes} min`);
  const startedAt = Date.now();
  const tally = await spawnLimiterDrive(job);
  const requests = (await stack.simulator.control.requests({ realmId, kind: 'api', since: new Date(startedAt).toISOString() })).data;
  const accepted = requests.filter((request) => request.status === 200).map((request) => Date.parse(request.at));
  const first = accepted[0] ?? startedAt;
  const inWindow = accepted.filter((at) => at < first + minutes * MINUTE).length;
  return {
    tally,
    inWindow,
    ratio: (inWindow * PAGE) / (minutes * 60) / QUICKBOOKS_BOUND_RECORDS_PER_S,
    throttled: requests.filter((request) => request.status === 429).length,
  };
}

/** Runs harness/bench/limiter-drive.ts in a process of its own and returns its tally. */
export function spawnLimiterDrive(job: LimiterDriveJob): Promise<LimiterDriveTally> {
  return new Promise<LimiterDriveTally>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'harness/bench/limiter-drive.ts'], { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (errors += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(output) as LimiterDriveTally) : reject(new Error(`limiter drive exited ${code}: ${errors}`))));
    child.stdin.end(JSON.stringify(job));
  });
}
