/**
 * parked_worker_rss_mb: 5,000 connections (--quick: 500) parked in `needs_reauthorization` on one
 * production worker process, whose own resident memory (/proc VmRSS) is read once they have all parked
 * and the worker has been idle for 30 s (median of the samples over the next 30 s).
 *
 * Each connection is connected through the API (consent, callback, signal-with-start) and its grant is
 * revoked in QuickBooks right away, so it parks at its first request (mid-backfill, checkpoint kept) —
 * the cheapest way to many parked workflows, and a real one. A worker restarted afterwards, with every
 * connection still parked, is measured too: parked workflows get no tasks, so a new worker loads none.
 */
import { eq, sql } from 'drizzle-orm';
import { connections } from '../../db/schema/index.js';
import { sleep } from '../retry.js';
import { startBenchStack, type BenchStack } from './bench-stack.js';
import { fleetWorker, type BenchContext, type BenchmarkResult } from './figures.js';
import { RssSampler } from './proc.js';
import { profileFlags } from './profiles.js';
import { median, round } from './stats.js';
import { DEFAULT_WORKER_MAX_CACHED_WORKFLOWS } from '../../shared/config.js';

const CONNECT_CONCURRENCY = 8;

export async function parkedFleetBenchmark(context: BenchContext): Promise<BenchmarkResult> {
  const count = context.options.parkedConnections ?? (context.quick ? 500 : 5_000);
  const settleMs = 30_000;
  const sampleMs = context.quick ? 10_000 : 30_000;
  const stack = await startBenchStack({ name: 'parked_fleet', syncIntervalMs: 15 * 60_000, orchestratorDbConnections: 20 });
  try {
    const worker = await stack.startWorker({ label: 'worker', ...fleetWorker(context), nodeFlags: [...fleetWorker(context).nodeFlags, ...profileFlags(context, 'parked-fleet-worker')] });
    const rss = new RssSampler(worker, 2_000);
    const baseline = rss.sample() ?? 0;
    const merchant = await stack.createApiMerchant();
    const parked = async () => {
      const [row] = await stack.database.db.select({ count: sql<number>`count(*)::int` }).from(connections).where(eq(connections.status, 'needs_reauthorization'));
      return row?.count ?? 0;
    };

    context.log(`parked_fleet: connecting and revoking ${count} connections`);
    const started = Date.now();
    let next = 0;
    const connector = async () => {
      for (let index = next++; index < count; index = next++) {
        const { realmId } = await stack.simulator.control.createCompany({ seed: 20_000 + index, customers: 1, items: 1, invoices: 1 });
        await stack.connectViaApi(merchant.apiKey, realmId);
        await stack.simulator.control.disconnect(realmId);
        if ((index + 1) % Math.max(1, Math.floor(count / 10)) === 0) context.log(`parked_fleet: ${index + 1}/${count} connected, ${await parked()} parked, worker RSS ${round(rss.sample() ?? 0)} MiB`);
      }
    };
    await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, connector));
    for (let seen = await parked(), checks = 1; seen < count; seen = await parked(), checks++) {
      if (Date.now() - started > 60 * 60_000) throw new Error(`only ${seen} of ${count} connections parked within an hour`);
      context.log(`parked_fleet: ${seen}/${count} parked, worker RSS ${round(rss.sample() ?? 0)} MiB`);
      // A connection that finished its tiny backfill before its grant died would notice only at its next cycle.
      if (checks % 6 === 0) await nudgeActive(stack, merchant.apiKey);
      await sleep(10_000);
    }
    const parkedAfterMs = Date.now() - started;
    await sleep(settleMs);
    const sampleFrom = Date.now();
    await sleep(sampleMs);
    const steady = median(rss.samples.filter((sample) => sample.at >= sampleFrom).map((sample) => sample.mb));
    const peak = rss.peakSince(0);
    rss.stop();

    // A new worker while every connection stays parked.
    await worker.stop('SIGTERM', 30_000);
    const restarted = await stack.startWorker({ label: 'worker-restarted', ...fleetWorker(context) });
    const afterRestart = new RssSampler(restarted, 2_000);
    await sleep(settleMs);
    const restartedRss = median(afterRestart.samples.filter((sample) => sample.at >= Date.now() - settleMs / 2).map((sample) => sample.mb));
    afterRestart.stop();
    return {
      figures: [
        { name: 'parked_worker_rss_mb', value: round(steady) },
        { name: 'parked_worker_max_cached_workflows', value: context.options.workerMaxCached ?? DEFAULT_WORKER_MAX_CACHED_WORKFLOWS },
        { name: 'parked_worker_rss_mb_after_restart', value: round(restartedRss) },
      ],
      notes: [
        `${count} connections connected and parked in ${round(parkedAfterMs / 1000)} s; worker RSS at start ${round(baseline)} MiB, peak while parking ${round(peak)} MiB, ` +
          `${round(steady)} MiB once all were parked (median over ${sampleMs / 1000} s after ${settleMs / 1000} s idle); a worker started afterwards: ${round(restartedRss)} MiB.`,
      ],
      details: { rss: rss.samples },
    };
  } finally {
    await stack.close();
  }
}

async function nudgeActive(stack: BenchStack, apiKey: string): Promise<void> {
  const active = await stack.database.db.select({ id: connections.id }).from(connections).where(eq(connections.status, 'active'));
  for (const { id } of active) await stack.api.request(`/v1/connections/${id}/sync`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } });
}
