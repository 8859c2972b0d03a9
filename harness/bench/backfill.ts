/**
 * backfill_records_per_s: a company of 100,000 records (--quick: 10,000) behind an unthrottled simulator,
 * end to end through the product: the merchant's consent and our OAuth callback (code exchange,
 * signal-with-start of `tokensIssued`), the workflow's query pass (1,000-record pages, three entities at
 * a time) on the production worker process, until the backfill's audit row is closed; then every record
 * is checked against the simulator's snapshot (outside the timing).
 *
 * storage_ceiling_records_per_s: the same records (fetched beforehand, untimed) written straight through
 * our storage code in the same database: normalizeRecord + upsertRecordVersions, one transaction per
 * 1,000-record page, three pages at a time like the workflow's lanes (the one-at-a-time figure is noted).
 */
import { and, eq, sql } from 'drizzle-orm';
import { BEGINNING_OF_TIME } from '../../activities/entity-cursor.js';
import { createConnection } from '../../db/queries/connections.js';
import { upsertRecordVersions } from '../../db/queries/records.js';
import { quickbooksRecords, syncRuns } from '../../db/schema/index.js';
import { createAccountingApi } from '../../quickbooks/accounting-api.js';
import { normalizeRecord } from '../../quickbooks/normalize.js';
import { changedSinceQuery } from '../../quickbooks/queries.js';
import type { QuickBooksObject } from '../../quickbooks/types.js';
import { QUICKBOOKS_ENTITIES, workflowIdForConnection, type QuickBooksEntity } from '../../shared/contract.js';
import { authorizeRealm } from '../connect.js';
import { waitFor } from '../retry.js';
import { compareWithSnapshot } from '../verify-records.js';
import { companyOf, recordsIn, startBenchStack, type BenchStack } from './bench-stack.js';
import { atLeast, type BenchContext, type BenchmarkResult } from './figures.js';
import { activityTimings, historiesOf } from './history.js';
import { cpuSeconds } from './proc.js';
import { describeSamples, round } from './stats.js';
import { profileFlags } from './profiles.js';

const LANES = 3;

export async function backfillBenchmark(context: BenchContext): Promise<BenchmarkResult> {
  const total = context.options.backfillRecords ?? (context.quick ? 10_000 : 100_000);
  const stack = await startBenchStack({ name: 'backfill', simulatorConfig: { throttle: false }, syncIntervalMs: 15 * 60_000 });
  const notes: string[] = [];
  try {
    const worker = await stack.startWorker({ label: 'worker', nodeFlags: profileFlags(context, 'backfill-worker') });
    const merchant = await stack.createApiMerchant();
    const company = companyOf(total, 100);
    const generated = Date.now();
    const { realmId } = await stack.simulator.control.createCompany(company);
    context.log(`backfill: company of ${recordsIn(company)} records generated in ${Date.now() - generated} ms; connecting`);

    // MARK: end to end
    const workerCpu = cpuSeconds(worker.pid) ?? 0;
    const ownCpu = process.cpuUsage();
    const startedAt = Date.now();
    const connectionId = await stack.connectViaApi(merchant.apiKey, realmId);
    const finishedAt = await waitFor(
      'the backfill to complete',
      async () => {
        const [run] = await stack.database.db
          .select({ finishedAt: syncRuns.finishedAt })
          .from(syncRuns)
          .where(and(eq(syncRuns.connectionId, connectionId), eq(syncRuns.kind, 'backfill'), eq(syncRuns.outcome, 'succeeded')));
        return run?.finishedAt ?? undefined;
      },
      { timeoutMs: 60 * 60_000, intervalMs: 250 },
    );
    const elapsedMs = finishedAt.getTime() - startedAt;
    const workerCpuUsed = (cpuSeconds(worker.pid) ?? workerCpu) - workerCpu;
    const ownCpuUsed = process.cpuUsage(ownCpu);
    const stored = await countRecords(stack, connectionId);
    const e2e = stored / (elapsedMs / 1000);
    context.log(`backfill: ${stored} records in ${(elapsedMs / 1000).toFixed(1)} s`);

    const comparison = await compareWithSnapshot(stack.database.db, connectionId, await stack.simulator.control.snapshot(realmId));
    if (comparison.lost + comparison.duplicated + comparison.mismatched > 0) {
      throw new Error(`the backfill does not match the snapshot: ${JSON.stringify(comparison)}`);
    }
    notes.push(`backfill: ${stored} records (${comparison.live} live in the snapshot, verified: lost 0, duplicated 0, mismatched 0) from consent to the backfill's audit row closed in ${round(elapsedMs / 1000, 2)} s.`);
    notes.push(
      `backfill CPU: worker process ${round(workerCpuUsed, 1)} s (${round((workerCpuUsed / stored) * 1000, 3)} ms per record, ${round((workerCpuUsed / (elapsedMs / 1000)) * 100)}% of a core); ` +
        `orchestrator (simulator + API) ${round((ownCpuUsed.user + ownCpuUsed.system) / 1e6, 1)} s.`,
    );
    notes.push(...(await pageBreakdown(stack, connectionId, realmId, startedAt)));

    // MARK: storage ceiling
    const pages = await fetchPages(stack, realmId);
    const parallel = await writePages(stack, merchant.id, pages, LANES);
    const sequential = await writePages(stack, merchant.id, pages, 1);
    context.log(`backfill: storage ceiling ${Math.round(parallel.recordsPerSecond)} records/s (${LANES} writers), ${Math.round(sequential.recordsPerSecond)} (1 writer)`);
    notes.push(
      `storage ceiling: ${parallel.records} records in ${parallel.pages} pages via normalizeRecord + upsertRecordVersions, one transaction per page, ${LANES} pages at a time: ` +
        `${round(parallel.seconds, 2)} s; one at a time: ${round(sequential.seconds, 2)} s (${Math.round(sequential.recordsPerSecond)} records/s). Normalizing alone: ${round(parallel.normalizeSeconds, 2)} s of CPU.`,
    );
    return {
      figures: [
        { name: 'backfill_records_per_s', value: round(e2e) },
        { name: 'storage_ceiling_records_per_s', value: round(parallel.recordsPerSecond) },
        { name: 'backfill_vs_ceiling_ratio', value: round(e2e / parallel.recordsPerSecond, 3), target: atLeast(0.5) },
      ],
      notes,
      details: { records: stored, elapsedMs, workerCpuSeconds: workerCpuUsed, sequentialCeiling: sequential.recordsPerSecond },
    };
  } finally {
    await stack.close();
  }
}

async function countRecords(stack: BenchStack, connectionId: string): Promise<number> {
  const [row] = await stack.database.db.select({ count: sql<number>`count(*)::int` }).from(quickbooksRecords).where(eq(quickbooksRecords.connectionId, connectionId));
  return row?.count ?? 0;
}

/** Where a page's time goes: waiting for a worker, the activity itself, QuickBooks' share of it. */
async function pageBreakdown(stack: BenchStack, connectionId: string, realmId: string, since: number): Promise<string[]> {
  const runs = await historiesOf(stack.client, workflowIdForConnection(connectionId));
  const pages = runs.flatMap((run) => activityTimings(run.events)).filter((timing) => timing.type === 'pullEntityPage');
  const queries = (await stack.simulator.control.requests({ realmId, since: new Date(since).toISOString(), kind: 'api' })).data.filter((entry) => entry.path.endsWith('/query'));
  const events = runs.reduce((sum, run) => sum + run.events.length, 0);
  return [
    `backfill pages (${pages.length} pullEntityPage activities, ${events} history events in ${runs.length} run(s)): schedule-to-start ${describeSamples(pages.map((page) => page.queuedMs), ' ms')}; ` +
      `activity run ${describeSamples(pages.map((page) => page.runMs), ' ms')}; simulator time per query ${describeSamples(queries.map((query) => query.durationMs), ' ms')}.`,
  ];
}

interface Page {
  entity: QuickBooksEntity;
  records: QuickBooksObject[];
}

/** Every page the backfill read, fetched with our own client (parsed exactly as the activity parses it). */
async function fetchPages(stack: BenchStack, realmId: string): Promise<Page[]> {
  const tokens = await authorizeRealm(stack, realmId);
  const api = createAccountingApi({ baseUrl: stack.simulator.url, requestTimeoutMs: 120_000 });
  const pages: Page[] = [];
  for (const entity of QUICKBOOKS_ENTITIES) {
    for (let start = 1; ; start += 1000) {
      const page = await api.query({ realmId, accessToken: tokens.accessToken, statement: changedSinceQuery({ entity, since: BEGINNING_OF_TIME, startPosition: start, maxResults: 1000 }) });
      if (page.records.length > 0) pages.push({ entity, records: page.records });
      if (page.records.length < 1000) break;
    }
  }
  return pages;
}

async function writePages(stack: BenchStack, merchantId: string, pages: Page[], lanes: number) {
  const connection = await createConnection(stack.database.db, { merchantId });
  const queue = [...pages];
  let records = 0;
  let normalizeMs = 0;
  const started = performance.now();
  const lane = async () => {
    for (let page = queue.shift(); page; page = queue.shift()) {
      const normalizing = performance.now();
      const versions = page.records.map((record) => normalizeRecord(page!.entity, record));
      normalizeMs += performance.now() - normalizing;
      await stack.database.db.transaction((tx) => upsertRecordVersions(tx, connection.id, versions));
      records += versions.length;
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  const seconds = (performance.now() - started) / 1000;
  return { records, pages: pages.length, seconds, recordsPerSecond: records / seconds, normalizeSeconds: normalizeMs / 1000 };
}
