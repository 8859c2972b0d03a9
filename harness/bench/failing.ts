/**
 * failing_cycle_query_ms_p50 / _max: how fast a connection's `status` query answers while its
 * incremental pull fails and is retried. QuickBooks answers HTTP 500 to everything for that company;
 * a `syncNow` starts a cycle whose pull is retried (up to 5 attempts, 2-4-8-16 s apart) and then
 * recorded as failed; meanwhile the status query is sent back to back (each waits for its answer, with
 * a 10 s deadline) from the first request to the failed cycle, on the production worker. Retries that
 * hold the workflow task (a local activity's own retries) showed as answers taking seconds; retries the
 * workflow runs itself leave its task free between attempts. The maximum is the figure: queries sent
 * back to back sample a held task once per hold (one slow answer among thousands), so percentiles hide it.
 */
import { workflowIdForConnection } from '../../shared/contract.js';
import type { ConnectionStatusView } from '../../shared/workflow-payloads.js';
import { statusQuery, syncNowSignal } from '../../workflows/messages.js';
import { waitFor } from '../retry.js';
import { startBenchStack } from './bench-stack.js';
import { below, type BenchContext, type BenchmarkResult } from './figures.js';
import { describeSamples, quantile, round } from './stats.js';

const QUERY_DEADLINE_MS = 10_000;

export async function failingBenchmark(context: BenchContext): Promise<BenchmarkResult> {
  const stack = await startBenchStack({ name: 'failing', syncIntervalMs: 15 * 60_000 });
  try {
    await stack.startWorker({ label: 'worker' });
    const merchant = await stack.createApiMerchant();
    const { realmId } = await stack.simulator.control.createCompany({ seed: 161, customers: 3, items: 3, invoices: 5 });
    const connectionId = await stack.connectViaApi(merchant.apiKey, realmId);
    const handle = stack.client.workflow.getHandle(workflowIdForConnection(connectionId));
    const settled = (view: ConnectionStatusView) => view.phase === 'idle' && view.lastSyncedAt !== null && (view.checkpoint as { pass: unknown }).pass === null;
    await waitFor('the backfill to settle', async () => (settled(await handle.query(statusQuery)) ? true : undefined), { timeoutMs: 60_000 });

    await stack.simulator.control.setFaults({ rules: [{ kind: '500', rate: 1, realmId }] });
    context.log('failing: QuickBooks answers 500; querying the workflow until the cycle has failed');
    await handle.signal(syncNowSignal, { reason: 'bench' });
    const latencies: number[] = [];
    let unanswered = 0;
    const started = Date.now();
    for (;;) {
      const sent = Date.now();
      try {
        const view = await stack.client.withDeadline(sent + QUERY_DEADLINE_MS, () => handle.query(statusQuery));
        latencies.push(Date.now() - sent);
        if (view.phase === 'idle' && view.lastError !== null && latencies.length > 1) break;
      } catch {
        unanswered++;
      }
      if (Date.now() - started > 120_000) throw new Error('the failing cycle did not end within 2 minutes');
    }
    await stack.simulator.control.clearFaults();
    const p50 = quantile(latencies, 0.5);
    const max = Math.max(...latencies);
    return {
      figures: [
        { name: 'failing_cycle_query_ms_p50', value: round(p50, 1), target: below(1_000, ' ms') },
        { name: 'failing_cycle_query_ms_max', value: round(max, 1), target: below(1_000, ' ms') },
      ],
      notes: [
        `${latencies.length} status queries answered back to back over ${round((Date.now() - started) / 1000)} s of a failing cycle (${unanswered} unanswered within ${QUERY_DEADLINE_MS / 1000} s): ${describeSamples(latencies, ' ms')}.`,
      ],
      details: { latencies, unanswered },
    };
  } finally {
    await stack.close();
  }
}
