/**
 * fleet_connections / fleet_cycle_lag_s_p99 / worker_rss_mb: 1,000 connections (--quick: 100;
 * --fleet-connections N) syncing every 15 minutes (--quick: 1 minute; --fleet-interval to change it) on one
 * production worker process (--fleet-workers W: W of them on the one task queue; worker_rss_mb is then the
 * largest of them). Also the CPU the steady state costs: the workers', the Temporal dev server's, and the
 * Postgres backends serving the benchmark's database (the server is shared, so its own background
 * processes are left out), and this process's own (it serves the simulator and the API).
 *
 * The connections are connected through the API one by one, evenly spread over one interval, so their
 * cycles are spread the way a real fleet's are (a fleet connected all at once would have every timer
 * fire in the same minute). Once every connection's backfill is done (its first CDC request; waited for
 * at most one interval after the last connect) comes one full interval (plus 90 s, enough to see a
 * cycle later than the 60 s target) in which every connection's first timer-driven cycle falls: that is
 * the steady state of `connections / interval` cycles per second, with nothing else going on.
 *
 * Lag: each cycle's change-data-capture request arrives at the simulator (its request log timestamps
 * it); the cycle was due `interval` after the previous cycle's request. So lag = gap between consecutive
 * CDC requests of a connection − interval. That slightly overstates the lag (the timer starts only once
 * the previous cycle's reply is stored, a few ms after its request arrived), which errs on the safe side.
 * A cycle still missing at the end of the window counts with the lag it had reached by then.
 *
 * worker_rss_mb: the worker process's own resident memory (/proc VmRSS), sampled every 2 s; the figure is
 * the peak over the steady-state window (the peak of the whole run is noted).
 */
import { and, eq, sql } from 'drizzle-orm';
import { connections, syncRuns } from '../../db/schema/index.js';
import { workflowIdForConnection } from '../../shared/contract.js';
import { sleep } from '../retry.js';
import { startBenchStack, type BenchStack } from './bench-stack.js';
import { below, fleetWorker, type BenchContext, type BenchmarkResult } from './figures.js';
import { DEFAULT_WORKER_MAX_CACHED_WORKFLOWS } from '../../shared/config.js';
import { cpuSeconds, RssSampler, rssMbOf } from './proc.js';
import { cpuSpent, databaseWrites, postgresBackendCpu, tableSizes, writesBetween } from './postgres-usage.js';
import { eventTimeMs, eventTypeName, historiesOf } from './history.js';
import { profileFlags } from './profiles.js';
import { RequestCollector } from './request-log.js';
import { describeSamples, quantile, round } from './stats.js';

const GRACE_MS = 90_000;
const CONNECT_CONCURRENCY = 8;

export async function fleetBenchmark(context: BenchContext): Promise<BenchmarkResult> {
  const count = context.options.fleetConnections ?? (context.quick ? 100 : 1_000);
  const intervalMs = context.options.fleetIntervalMs ?? (context.quick ? 60_000 : 15 * 60_000);
  const stack = await startBenchStack({ name: 'fleet', syncIntervalMs: intervalMs, orchestratorDbConnections: 20 });
  try {
    const workerCount = context.options.fleetWorkers ?? 1;
    const workers = await Promise.all(
      Array.from({ length: workerCount }, (_, index) =>
        stack.startWorker({ label: `worker${index + 1}`, ...fleetWorker(context), nodeFlags: [...fleetWorker(context).nodeFlags, ...profileFlags(context, `fleet-worker${index + 1}`)] }),
      ),
    );
    const samplers = workers.map((worker) => new RssSampler(worker, 2_000));
    const rss = { sample: () => Math.max(...samplers.map((sampler) => sampler.sample() ?? 0)) };
    const temporal = stack.temporalServer!.pid;
    const merchant = await stack.createApiMerchant();
    const realms: string[] = [];
    for (let index = 0; index < count; index++) realms.push((await stack.simulator.control.createCompany({ seed: 10_000 + index, customers: 1, items: 1, invoices: 2 })).realmId);
    const collector = new RequestCollector(stack.simulator.control).start(3_000);

    // MARK: connect, spread over one interval
    context.log(`fleet: connecting ${count} connections over ${Math.round(intervalMs / 1000)} s`);
    const connectStart = Date.now();
    let next = 0;
    let late = 0;
    let reconnects = 0;
    const connector = async () => {
      for (let index = next++; index < count; index = next++) {
        const due = connectStart + (index * intervalMs) / count;
        if (Date.now() < due) await sleep(due - Date.now());
        else if (Date.now() - due > 5_000) late += 1;
        // A callback answering 503 (Temporal did not take the signal in time) asks the merchant to authorize
        // again in a minute; a merchant would, and so does the benchmark (counted in the notes).
        for (let attempt = 1; ; attempt++) {
          try {
            await stack.connectViaApi(merchant.apiKey, realms[index]!);
            break;
          } catch (error) {
            const message = (error as Error).message;
            // The 503 was Temporal answering late, not never: the first attempt's tokens did reach the workflow.
            if (attempt > 1 && /answered 409.*realm_already_connected/.test(message)) break;
            if (attempt >= 5 || !/answered 503/.test(message)) throw error;
            reconnects += 1;
            await sleep(5_000);
          }
        }
        if ((index + 1) % Math.max(1, Math.floor(count / 10)) === 0) context.log(`fleet: ${index + 1}/${count} connected, worker RSS ${round(rss.sample() ?? 0)} MiB`);
      }
    };
    await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, connector));
    // A connect starts the company's backfill; where the machine is small, backfills run behind the
    // connects. The steady state begins once every connection made its first CDC request (backfill done).
    const connectedAt = Date.now();
    const firstCdc = new Set<string>();
    let scanned = 0;
    const synced = () => {
      for (; scanned < collector.entries.length; scanned++) {
        const entry = collector.entries[scanned]!;
        if (entry.kind === 'api' && entry.path.endsWith('/cdc') && entry.realmId) firstCdc.add(entry.realmId);
      }
      return firstCdc.size;
    };
    while (synced() < count && Date.now() - connectedAt < intervalMs) {
      await sleep(5_000);
      context.log(`fleet: ${synced()}/${count} backfills done`);
    }
    const backfillsDoneS = round((Date.now() - connectedAt) / 1000);
    const windowStart = Math.max(Date.now(), connectStart + intervalMs);
    const windowEnd = windowStart + intervalMs + GRACE_MS;
    const cpuAtWindow = workers.map((worker) => cpuSeconds(worker.pid) ?? 0);
    const temporalCpuAtWindow = temporal ? (cpuSeconds(temporal) ?? 0) : 0;
    const postgresAtWindow = await postgresBackendCpu(stack.database.name!);
    // This process serves the simulator, the API and the request log: on a shared machine, its share too.
    const harnessCpuAtWindow = process.cpuUsage();
    const writesAtWindow = await databaseWrites(stack.database.name!);
    context.log(`fleet: all connected; measuring until ${new Date(windowEnd).toISOString()}`);
    while (Date.now() < windowEnd) {
      await sleep(Math.min(60_000, windowEnd - Date.now()));
      context.log(`fleet: worker RSS ${samplers.map((sampler) => round(sampler.sample() ?? 0)).join('/')} MiB, ${collector.entries.length} requests seen`);
    }
    const windowSeconds = (windowEnd - windowStart) / 1000;
    const workerCpu = workers.map((worker, index) => (cpuSeconds(worker.pid) ?? cpuAtWindow[index]!) - cpuAtWindow[index]!);
    const windowCpu = workerCpu.reduce((sum, seconds) => sum + seconds, 0);
    const temporalCpu = temporal ? (cpuSeconds(temporal) ?? temporalCpuAtWindow) - temporalCpuAtWindow : 0;
    const postgresCpu = cpuSpent(postgresAtWindow, await postgresBackendCpu(stack.database.name!));
    const harnessSpent = process.cpuUsage(harnessCpuAtWindow);
    const harnessCpu = (harnessSpent.user + harnessSpent.system) / 1e6;
    const writes = writesBetween(writesAtWindow, await databaseWrites(stack.database.name!));
    const tables = await tableSizes(stack.database.name!);
    const temporalRss = temporal ? (rssMbOf(temporal) ?? 0) : 0;
    await collector.stop();
    for (const sampler of samplers) sampler.stop();

    // MARK: lag
    const cdcByRealm = new Map<string, number[]>();
    for (const entry of collector.entries) {
      if (entry.kind !== 'api' || !entry.path.endsWith('/cdc') || !entry.realmId) continue;
      cdcByRealm.set(entry.realmId, [...(cdcByRealm.get(entry.realmId) ?? []), Date.parse(entry.at)]);
    }
    const steadyLags: number[] = [];
    const connectPhaseLags: number[] = [];
    let missing = 0;
    let neverSynced = 0;
    let repeats = 0;
    for (const realmId of realms) {
      const times = (cdcByRealm.get(realmId) ?? []).sort((a, b) => a - b);
      if (times.length === 0) {
        neverSynced += 1;
        continue;
      }
      for (let index = 1; index < times.length; index++) {
        const gap = times[index]! - times[index - 1]!;
        // A second CDC request well inside one interval is the same cycle asking again (a retried pull), not a cycle.
        if (gap < intervalMs / 2) {
          repeats += 1;
          continue;
        }
        (times[index]! >= windowStart ? steadyLags : connectPhaseLags).push((gap - intervalMs) / 1000);
      }
      const due = times[times.length - 1]! + intervalMs;
      if (due < windowEnd) {
        missing += 1;
        steadyLags.push((windowEnd - due) / 1000);
      }
    }
    const breakdown = await lagBreakdown(stack, realms, cdcByRealm, windowStart, context.quick ? 30 : 60);
    const histories = await historySizes(stack, context.quick ? 30 : 100);
    const [failures] = await stack.database.db
      .select({ count: sql<number>`count(*)::int` })
      .from(syncRuns)
      .where(and(eq(syncRuns.outcome, 'failed')));
    const throttled = collector.entries.filter((entry) => entry.status === 429).length;
    const windowPeaks = samplers.map((sampler) => sampler.peakSince(windowStart));
    const windowPeak = Math.max(...windowPeaks);
    const percentOfCore = (seconds: number) => round((seconds / windowSeconds) * 100, 1);
    const lagP99 = quantile(steadyLags, 0.99);
    return {
      figures: [
        { name: 'fleet_connections', value: count },
        { name: 'fleet_workers', value: workerCount },
        { name: 'fleet_cycle_lag_s_p99', value: round(lagP99, 2), target: below(60, ' s') },
        { name: 'worker_rss_mb', value: round(windowPeak), target: below(1024, ' MiB') },
        { name: 'fleet_worker_max_cached_workflows', value: context.options.workerMaxCached ?? DEFAULT_WORKER_MAX_CACHED_WORKFLOWS },
        { name: 'fleet_workers_cpu_pct', value: percentOfCore(windowCpu) },
        { name: 'fleet_temporal_cpu_pct', value: percentOfCore(temporalCpu) },
        { name: 'fleet_postgres_cpu_pct', value: percentOfCore(postgresCpu) },
      ],
      notes: [
        `${count} connections at a ${round(intervalMs / 60_000, 2)}-minute interval (${round(count / (intervalMs / 1000), 2)} cycles/s in the steady state), connected over ${round((windowStart - connectStart) / 1000)} s ` +
          `(${late} connects more than 5 s behind schedule, ${reconnects} authorized again after a 503 from the callback); every backfill done ${backfillsDoneS} s after the last connect ` +
          `(${firstCdc.size} of ${count} connections had made a CDC request); steady-state window ${round((windowEnd - windowStart) / 1000)} s.`,
        `cycle lag in the steady state: ${describeSamples(steadyLags, ' s')}; ${missing} cycle(s) had not arrived by the end (counted with the lag reached), ${neverSynced} connection(s) never synced; ` +
          `while connecting (backfills running alongside): ${describeSamples(connectPhaseLags, ' s')}.`,
        `worker RSS (${workerCount} worker${workerCount === 1 ? '' : 's'}): steady-state peaks ${windowPeaks.map((peak) => round(peak)).join(' / ')} MiB, ` +
          `whole-run peaks ${samplers.map((sampler) => round(sampler.peakSince(0))).join(' / ')} MiB, at the end ${samplers.map((sampler) => round(sampler.samples.at(-1)?.mb ?? 0)).join(' / ')} MiB; ` +
          `CPU in the steady state (${round(windowSeconds)} s): workers ${workerCpu.map((seconds) => round(seconds, 1)).join(' + ')} s (${percentOfCore(windowCpu)}% of a core), ` +
          `Temporal dev server ${round(temporalCpu, 1)} s (${percentOfCore(temporalCpu)}%; RSS ${round(temporalRss)} MiB), ` +
          `Postgres backends of the benchmark's database ${round(postgresCpu, 1)} s (${percentOfCore(postgresCpu)}%), ` +
          `the benchmark's own process (simulator, API, request log) ${round(harnessCpu, 1)} s (${percentOfCore(harnessCpu)}%).`,
        `Postgres in the steady state: ${round(writes.commits / windowSeconds, 1)} commits/s, ${round(writes.inserted / windowSeconds, 1)} rows inserted/s, ${round(writes.updated / windowSeconds, 1)} updated/s, ` +
          `${round(writes.deleted / windowSeconds, 1)} deleted/s, the database grew ${round(writes.bytes / 2 ** 20, 1)} MiB (${round(writes.bytes / Math.max(1, steadyCycles(count, intervalMs, windowSeconds)))} bytes per cycle) — per cycle: ${round(writes.commits / Math.max(1, steadyCycles(count, intervalMs, windowSeconds)), 2)} commits, ` +
          `${round((writes.inserted + writes.updated) / Math.max(1, steadyCycles(count, intervalMs, windowSeconds)), 2)} rows written. Tables at the end: ${tables.map((table) => `${table.name} ${table.rows} rows ${round(table.bytes / 2 ** 20, 1)} MiB`).join(', ')}.`,
        `history of the current run (${histories.sampled} sampled connections, from describe): ${round(histories.events / Math.max(1, histories.sampled))} events and ` +
          `${round(histories.bytes / Math.max(1, histories.sampled) / 1024, 1)} KiB on average, ${round(histories.bytes / Math.max(1, histories.events))} bytes per event.`,
        `${failures?.count ?? 0} failed sync runs, ${repeats} CDC request(s) repeated within a cycle, ${throttled} requests answered 429, ${collector.entries.length} QuickBooks requests in all.`,
        `where a steady-state cycle's lag comes from (${breakdown.cycles} cycles of ${breakdown.connections} connections, from their histories): the timer firing late ${describeSamples(breakdown.timerLate, ' ms')}; ` +
          `timer fired → workflow task started (waiting for the worker) ${describeSamples(breakdown.dispatch, ' ms')}; workflow task started → CDC request at QuickBooks ${describeSamples(breakdown.toRequest, ' ms')}.`,
      ],
      details: { steadyLags, connectPhaseLags, rss: samplers.map((sampler) => sampler.samples), workerCpu, temporalCpu, postgresCpu, harnessCpu, writes, tables, histories, breakdown },
    };
  } finally {
    await stack.close();
  }
}

/**
 * For a sample of connections, each steady-state cycle from its history: how late the server fired the
 * timer, how long the workflow task then waited for the worker, and how long the worker took from
 * starting that task to the CDC request arriving at QuickBooks.
 */
async function lagBreakdown(stack: BenchStack, realms: string[], cdcByRealm: Map<string, number[]>, windowStart: number, sample: number) {
  const rows = await stack.database.db.select({ id: connections.id, realmId: connections.realmId }).from(connections);
  const byRealm = new Map(rows.map((row) => [row.realmId, row.id]));
  const timerLate: number[] = [];
  const dispatch: number[] = [];
  const toRequest: number[] = [];
  const step = Math.max(1, Math.floor(realms.length / sample));
  let sampled = 0;
  for (let index = 0; index < realms.length; index += step) {
    const connectionId = byRealm.get(realms[index]!);
    if (!connectionId) continue;
    sampled += 1;
    const events = (await historiesOf(stack.client, workflowIdForConnection(connectionId))).flatMap((run) => run.events);
    const cdcs = cdcByRealm.get(realms[index]!) ?? [];
    for (let position = 0; position < events.length; position++) {
      const fired = events[position]!;
      if (eventTypeName(fired) !== 'EVENT_TYPE_TIMER_FIRED' || eventTimeMs(fired) < windowStart) continue;
      const timerId = String(fired.timerFiredEventAttributes?.timerId);
      const started = events.find((event) => eventTypeName(event) === 'EVENT_TYPE_TIMER_STARTED' && String(event.timerStartedEventAttributes?.timerId) === timerId);
      const taskStarted = events.slice(position).find((event) => eventTypeName(event) === 'EVENT_TYPE_WORKFLOW_TASK_STARTED');
      const request = cdcs.find((at) => at >= eventTimeMs(fired));
      if (!started || !taskStarted || request === undefined) continue;
      const timeoutMs = Number(started.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0) * 1000 + (started.timerStartedEventAttributes?.startToFireTimeout?.nanos ?? 0) / 1e6;
      timerLate.push(eventTimeMs(fired) - eventTimeMs(started) - timeoutMs);
      dispatch.push(eventTimeMs(taskStarted) - eventTimeMs(fired));
      toRequest.push(request - eventTimeMs(taskStarted));
    }
  }
  return { connections: sampled, cycles: timerLate.length, timerLate, dispatch, toRequest };
}

/** The cycles a steady-state window holds: every connection syncs once per interval. */
function steadyCycles(connections: number, intervalMs: number, windowSeconds: number): number {
  return (connections * windowSeconds * 1000) / intervalMs;
}

/** The size Temporal reports for the current run of a sample of connection workflows (bytes and events). */
async function historySizes(stack: BenchStack, sample: number): Promise<{ sampled: number; events: number; bytes: number }> {
  const rows = await stack.database.db.select({ id: connections.id }).from(connections).limit(sample);
  let events = 0;
  let bytes = 0;
  for (const row of rows) {
    const description = await stack.client.workflow.getHandle(workflowIdForConnection(row.id)).describe();
    events += description.historyLength;
    bytes += description.historySize ?? 0;
  }
  return { sampled: rows.length, events, bytes };
}
