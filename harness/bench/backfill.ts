/**
 * backfill_records_per_s: a company of 100,000 records (--quick: 10,000) behind a simulator that enforces
 * Intuit's limits (500 requests in any minute, 10 in any second, 10 at once: INTUIT_LIMITS), end to end
 * through the product: the merchant's consent and our OAuth callback (code exchange,
 * signal-with-start of `tokensIssued`), the workflow's query pass (1,000-record pages; big entities split
 * into time segments, six segments paged at a time: workflows/segment-lanes.ts) on the production worker
 * process (loading the prebuilt workflow bundle), until the backfill's audit row is closed; then every record
 * is checked against the simulator's snapshot (outside the timing). The worker's CPU (its /proc) and the
 * Postgres backends' CPU (theirs) per record are reported beside it.
 *
 * storage_ceiling_records_per_s: what this machine can store, in the same run (storage-ceiling.ts): the
 * same pages' texts unpacked by a bare statement in Postgres, three at a time. QuickBooks' own bound is
 * 500 requests a minute of 1,000 records (8,333 records/s); the backfill is held to 0.95 × the lower, with
 * no request answered 429.
 */
import { and, eq, sql } from 'drizzle-orm';
import { quickbooksRecords, syncRuns } from '../../db/schema/index.js';
import { workflowIdForConnection } from '../../shared/contract.js';
import { waitFor } from '../retry.js';
import { compareWithSnapshot } from '../verify-records.js';
import { companyOf, recordsIn, startBenchStack, type BenchStack } from './bench-stack.js';
import { busiestWindow } from './request-log.js';
import { atLeast, atMost, below, type BenchContext, type BenchmarkResult } from './figures.js';
import { SEGMENT_LANES } from '../../workflows/segment-lanes.js';
import { activityTimings, historiesOf, type ActivityTiming } from './history.js';
import { cpuSeconds, RssSampler } from './proc.js';
import { describeSamples, round } from './stats.js';
import { profileFlags } from './profiles.js';
import { fetchPageTexts, machineCeiling, pgliteStorage, productStoragePath, withPostgresCpu } from './storage-ceiling.js';

const LANES = 3;
/** QuickBooks' bound for one company: 500 requests a minute, 1,000 records each. */
export const QUICKBOOKS_BOUND_RECORDS_PER_S = (500 * 1000) / 60;
/** Intuit's documented limits per company and app (the minute a rolling window, the second a bucket: simulator/README.md). */
export const INTUIT_LIMITS = { throttle: true, requestsPerMinute: 500, requestsPerSecond: 10, maxConcurrentRequests: 10 } as const;
/** PGlite's two paths are timed on the first pages only (its Node path is slow). */
const PGLITE_PAGES = 20;
/** The ceilings are measured on the first 100,000 records' pages (a million records' texts would not fit in memory). */
const CEILING_PAGES = 100;
/** A million-record company backfills with the worker's resident memory below this (nothing holds an entity or a company). */
const WORKER_RSS_TARGET_MIB = 512;

export async function backfillBenchmark(context: BenchContext): Promise<BenchmarkResult> {
  const total = context.options.backfillRecords ?? (context.quick ? 10_000 : 100_000);
  const stack = await startBenchStack({ name: 'backfill', simulatorConfig: INTUIT_LIMITS, syncIntervalMs: 15 * 60_000 });
  const notes: string[] = [];
  try {
    const heapFlags = context.options.workerHeapMb ? [`--max-old-space-size=${context.options.workerHeapMb}`] : [];
    const worker = await stack.startWorker({ label: 'worker', nodeFlags: [...heapFlags, ...profileFlags(context, 'backfill-worker')] });
    if (heapFlags.length > 0) notes.push(`worker run with ${heapFlags.join(' ')} (--worker-heap-mb).`);
    const merchant = await stack.createApiMerchant();
    const company = companyOf(total, 100);
    const generated = Date.now();
    const { realmId } = await stack.simulator.control.createCompany(company);
    context.log(`backfill: company of ${recordsIn(company)} records generated in ${Date.now() - generated} ms; connecting`);

    // MARK: end to end
    const rss = new RssSampler(worker, 1_000);
    const workerCpu = cpuSeconds(worker.pid) ?? 0;
    const ownCpu = process.cpuUsage();
    const startedAt = Date.now();
    const { result: { connectionId, finishedAt }, postgresCpuSeconds } = await withPostgresCpu(stack.database.db, async () => {
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
      return { connectionId, finishedAt };
    });
    rss.stop();
    const workerRssPeakMib = rss.peakSince(startedAt);
    const workerRssBeforeMib = rss.samples[0]?.mb ?? 0;
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
    const workerUsPerRecord = (workerCpuUsed / stored) * 1e6;
    const postgresUsPerRecord = (postgresCpuSeconds / stored) * 1e6;
    notes.push(
      `backfill CPU: worker process ${round(workerCpuUsed, 1)} s (${round(workerUsPerRecord, 1)} µs per record, ${round((workerCpuUsed / (elapsedMs / 1000)) * 100)}% of a core); ` +
        `Postgres backends ${round(postgresCpuSeconds, 1)} s (${round(postgresUsPerRecord, 1)} µs per record; autovacuum, WAL writer and checkpointer not counted); ` +
        `worker RSS peak ${round(workerRssPeakMib)} MiB (${round(workerRssBeforeMib)} MiB before the connect); orchestrator (simulator + API) ${round((ownCpuUsed.user + ownCpuUsed.system) / 1e6, 1)} s.`,
    );
    const breakdown = await pageBreakdown(stack, connectionId, realmId, startedAt, finishedAt.getTime());
    notes.push(...breakdown.notes);

    // MARK: storage ceilings, same run, same pages (fetched untimed, and not by us: without Intuit's limits)
    await stack.simulator.control.setConfig({ throttle: false });
    const pages = await fetchPageTexts(stack, realmId, CEILING_PAGES);
    const ceiling = await machineCeiling(stack.database.db, merchant.id, pages, LANES);
    const product = await productStoragePath(stack.database.db, merchant.id, pages, LANES);
    const pglite = await pgliteStorage(pages.slice(0, PGLITE_PAGES));
    context.log(`backfill: storage ceiling ${Math.round(ceiling.recordsPerSecond)} records/s; store_record_page alone ${Math.round(product.recordsPerSecond)}; PGlite ${Math.round(pglite.postgresPath.recordsPerSecond)} (Node path ${Math.round(pglite.nodePath.recordsPerSecond)})`);
    const limit = Math.min(QUICKBOOKS_BOUND_RECORDS_PER_S, ceiling.recordsPerSecond);
    notes.push(
      `storage ceiling (Postgres): ${ceiling.records} records in ${pages.length} page texts, each one text parameter unpacked by a bare INSERT … SELECT FROM jsonb_array_elements ` +
        `(typed columns cast in SQL, the same version rule) into a table LIKE quickbooks_records INCLUDING ALL plus its foreign key, ${LANES} pages at a time: ${round(ceiling.seconds, 2)} s, ` +
        `Postgres CPU ${round((ceiling.postgresCpuSeconds! / ceiling.records) * 1e6, 1)} µs per record. ` +
        `store_record_page on the same pages (validation, tombstones, counts and cursor included), ${LANES} at a time: ${Math.round(product.recordsPerSecond)} records/s, ` +
        `Postgres CPU ${round((product.postgresCpuSeconds! / product.records) * 1e6, 1)} µs per record. QuickBooks' bound: ${Math.round(QUICKBOOKS_BOUND_RECORDS_PER_S)} records/s; the lower of the two: ${Math.round(limit)}.`,
      `PGlite (in process, one session, first ${pglite.postgresPath.records} records): store_record_page ${Math.round(pglite.postgresPath.recordsPerSecond)} records/s; ` +
        `the Node path it replaced (parseJsonExactly + normalizeRecord + upsertRecordVersions) ${Math.round(pglite.nodePath.recordsPerSecond)} records/s.`,
    );
    return {
      figures: [
        { name: 'backfill_records_per_s', value: round(e2e) },
        { name: 'storage_ceiling_records_per_s', value: round(ceiling.recordsPerSecond) },
        { name: 'backfill_vs_ceiling', value: round(e2e / ceiling.recordsPerSecond, 3) },
        { name: 'backfill_vs_bound', value: round(e2e / QUICKBOOKS_BOUND_RECORDS_PER_S, 3) },
        { name: 'backfill_vs_limit', value: round(e2e / limit, 3), target: atLeast(0.95) },
        { name: 'backfill_429s', value: breakdown.throttled, target: atMost(0) },
        { name: 'worker_cpu_us_per_record', value: round(workerUsPerRecord, 1), target: atMost(50, ' µs') },
        { name: 'postgres_cpu_us_per_record', value: round(postgresUsPerRecord, 1) },
        { name: 'worker_rss_peak_mib', value: round(workerRssPeakMib), target: below(WORKER_RSS_TARGET_MIB, ' MiB') },
        { name: 'pglite_storage_records_per_s', value: round(pglite.postgresPath.recordsPerSecond) },
        { name: 'pglite_node_path_records_per_s', value: round(pglite.nodePath.recordsPerSecond) },
        { name: 'pglite_vs_node_path', value: round(pglite.postgresPath.recordsPerSecond / pglite.nodePath.recordsPerSecond, 2), target: atLeast(1) },
      ],
      notes,
      details: { records: stored, elapsedMs, workerCpuSeconds: workerCpuUsed, postgresCpuSeconds, ceiling, product, pglite },
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
async function pageBreakdown(stack: BenchStack, connectionId: string, realmId: string, since: number, until: number): Promise<{ notes: string[]; throttled: number }> {
  const runs = await historiesOf(stack.client, workflowIdForConnection(connectionId));
  const pages = runs.flatMap((run) => activityTimings(run.events)).filter((timing) => timing.type === 'pullEntityPage');
  const requests = (await stack.simulator.control.requests({ realmId, since: new Date(since).toISOString(), kind: 'api' })).data;
  const queries = requests.filter((entry) => entry.path.endsWith('/query'));
  const throttled = requests.filter((entry) => entry.status === 429).length;
  const events = runs.reduce((sum, run) => sum + run.events.length, 0);
  const flight = pagesInFlight(pages);
  const notes = [
    `backfill pages (${pages.length} pullEntityPage activities, ${events} history events in ${runs.length} run(s)): schedule-to-start ${describeSamples(pages.map((page) => page.queuedMs), ' ms')}; ` +
      `activity run ${describeSamples(pages.map((page) => page.runMs), ' ms')}; simulator time per query ${describeSamples(queries.map((query) => query.durationMs), ' ms')}; ` +
      `${queries.length} queries (pages, counts and split probes). Pages in flight: ${round(flight.mean, 2)} on average over ${round(flight.spanMs / 1000, 2)} s, ` +
      `${SEGMENT_LANES} (every lane) for ${round(flight.fullMs / 1000, 2)} s; the tail after the last moment with every lane busy: ${round(flight.tailMs / 1000, 2)} s.`,
    `QuickBooks (the simulator, at Intuit's limits): ${requests.length} requests, ${throttled} answered 429; the busiest second ${busiestWindow(requests, 1_000)} requests, the busiest minute ${busiestWindow(requests, 60_000)}; ` +
      `the first page asked ${round(((queries[0] ? Date.parse(queries[0].at) : since) - since) / 1000, 2)} s after the consent, the last request answered ${round((until - Math.max(...requests.map((entry) => Date.parse(entry.at) + entry.durationMs))) / 1000, 2)} s before the audit row closed.`,
  ];
  return { notes, throttled };
}

/** How many page activities ran at once (scheduled to completed), time-weighted, and how long the tail was. */
function pagesInFlight(pages: readonly ActivityTiming[]): { mean: number; spanMs: number; fullMs: number; tailMs: number } {
  const edges = pages.flatMap((page) => [{ at: page.scheduledMs, delta: 1 }, { at: page.completedMs, delta: -1 }]).sort((a, b) => a.at - b.at || a.delta - b.delta);
  if (edges.length === 0) return { mean: 0, spanMs: 0, fullMs: 0, tailMs: 0 };
  let level = 0;
  let area = 0;
  let fullMs = 0;
  let lastFull = edges[0]!.at;
  for (let index = 0; index < edges.length; index++) {
    const edge = edges[index]!;
    level += edge.delta;
    const next = edges[index + 1]?.at ?? edge.at;
    area += level * (next - edge.at);
    if (level >= SEGMENT_LANES) {
      fullMs += next - edge.at;
      lastFull = next;
    }
  }
  const spanMs = edges.at(-1)!.at - edges[0]!.at;
  return { mean: spanMs > 0 ? area / spanMs : 0, spanMs, fullMs, tailMs: edges.at(-1)!.at - lastFull };
}

