/**
 * idle_cycle_history_events / idle_cycle_qbo_requests: a connection whose books do not change, syncing
 * every 2 s (the cycle is the same at 15 min; only the timer's duration differs) on the production worker.
 * After its backfill has settled, a window of whole cycles is read back: from the workflow's history
 * (every run), the events from one "wait for the next sync" timer to the next, per cycle; from the
 * simulator's request log, every QuickBooks request (Accounting API and OAuth) the company received in
 * the same span, per cycle.
 *
 * Access tokens last an hour, so no refresh falls in the window. A second connection whose tokens last
 * 302 s (the workflow refreshes 5 minutes ahead, so about every cycle) measures what a refresh adds to a
 * cycle; at a 15-minute interval that happens every 4th cycle, which gives the amortized figure noted.
 */
import { workflowIdForConnection } from '../../shared/contract.js';
import { statusQuery } from '../../workflows/messages.js';
import { sleep, waitFor } from '../retry.js';
import { startBenchStack, type BenchStack } from './bench-stack.js';
import { atMost, exactly, type BenchContext, type BenchmarkResult } from './figures.js';
import { countByType, eventTimeMs, eventTypeName, historiesOf } from './history.js';
import { mean, median, round } from './stats.js';

const INTERVAL_MS = 2_000;

interface CycleCost {
  cycles: number;
  eventsPerCycle: number[];
  requests: number;
  oauthRequests: number;
  eventTypes: Record<string, number>;
}

export async function idleBenchmark(context: BenchContext): Promise<BenchmarkResult> {
  const windowMs = context.quick ? 20_000 : 60_000;
  const stack = await startBenchStack({ name: 'idle', syncIntervalMs: INTERVAL_MS });
  try {
    await stack.startWorker({ label: 'worker' });
    const merchant = await stack.createApiMerchant();
    const connect = async (seed: number) => {
      const { realmId } = await stack.simulator.control.createCompany({ seed, customers: 3, items: 3, invoices: 3 });
      return { realmId, connectionId: await stack.connectViaApi(merchant.apiKey, realmId) };
    };
    const idle = await connect(61);
    await stack.simulator.control.setConfig({ accessTokenTtlSeconds: 302 });
    const refreshing = await connect(62);
    for (const connection of [idle, refreshing]) {
      await waitFor('the backfill to settle', async () => {
        const view = await stack.client.workflow.getHandle(workflowIdForConnection(connection.connectionId)).query(statusQuery);
        return view.phase === 'idle' && view.lastSyncedAt !== null && (view.checkpoint as { pass: unknown }).pass === null ? true : undefined;
      }, { timeoutMs: 60_000 });
    }
    await sleep(3 * INTERVAL_MS);
    const windowStart = Date.now();
    context.log(`idle: watching ${Math.round(windowMs / 1000)} s of cycles`);
    await sleep(windowMs);
    const windowEnd = Date.now();
    const plain = await cycleCost(stack, idle, windowStart, windowEnd);
    const withRefresh = await cycleCost(stack, refreshing, windowStart, windowEnd);
    const events = mean(plain.eventsPerCycle);
    const requests = plain.requests / plain.cycles;
    const refreshEvents = mean(withRefresh.eventsPerCycle) - events;
    const refreshRequests = withRefresh.requests / withRefresh.cycles - requests;
    return {
      figures: [
        { name: 'idle_cycle_history_events', value: round(events, 2), target: atMost(8) },
        { name: 'idle_cycle_qbo_requests', value: round(requests, 2), target: exactly(1) },
      ],
      notes: [
        `${plain.cycles} whole idle cycles in ${Math.round((windowEnd - windowStart) / 1000)} s: history events per cycle median ${median(plain.eventsPerCycle)}, ` +
          `min ${Math.min(...plain.eventsPerCycle)}, max ${Math.max(...plain.eventsPerCycle)}, by type ${JSON.stringify(perCycle(plain.eventTypes, plain.cycles))}; ` +
          `${plain.requests} QuickBooks requests (${plain.oauthRequests} OAuth) in those cycles.`,
        `a cycle that also refreshes the access token (${withRefresh.cycles} cycles, tokens of 302 s): ${round(mean(withRefresh.eventsPerCycle), 2)} events and ` +
          `${round(withRefresh.requests / withRefresh.cycles, 2)} requests per cycle, i.e. a refresh adds ${round(refreshEvents, 2)} events and ${round(refreshRequests, 2)} request(s). ` +
          `Access tokens last an hour, so at a 15-minute interval one cycle in 4 refreshes: amortized ${round(events + refreshEvents / 4, 2)} events and ${round(requests + refreshRequests / 4, 2)} requests per cycle.`,
      ],
      details: { plain, withRefresh },
    };
  } finally {
    await stack.close();
  }
}

/** Events between consecutive "wait for the next sync" timers started in the window, and the requests in that span. */
async function cycleCost(stack: BenchStack, connection: { realmId: string; connectionId: string }, from: number, to: number): Promise<CycleCost> {
  const runs = await historiesOf(stack.client, workflowIdForConnection(connection.connectionId));
  const events = runs.flatMap((run) => run.events);
  const timerPositions = events
    .map((event, index) => ({ event, index }))
    .filter(({ event }) => eventTypeName(event) === 'EVENT_TYPE_TIMER_STARTED' && eventTimeMs(event) >= from && eventTimeMs(event) <= to)
    .map(({ index }) => index);
  if (timerPositions.length < 3) throw new Error(`only ${timerPositions.length} cycles in the window`);
  const eventsPerCycle = timerPositions.slice(1).map((position, index) => position - timerPositions[index]!);
  const first = eventTimeMs(events[timerPositions[0]!]!);
  const last = eventTimeMs(events[timerPositions[timerPositions.length - 1]!]!);
  const requests = (await stack.simulator.control.requests({ realmId: connection.realmId, since: new Date(first).toISOString() })).data.filter((request) => Date.parse(request.at) < last);
  // A continue-as-new inside the window would count two runs' bookkeeping as one cycle: say so rather than hide it.
  if (runs.length > 1 && runs.some((run) => run.events.some((event) => eventTimeMs(event) >= first && eventTypeName(event) === 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW'))) {
    throw new Error('the workflow continued as new during the window; run again');
  }
  return {
    cycles: eventsPerCycle.length,
    eventsPerCycle,
    requests: requests.length,
    oauthRequests: requests.filter((request) => request.kind === 'oauth').length,
    eventTypes: countByType(events.slice(timerPositions[0]!, timerPositions[timerPositions.length - 1]!)),
  };
}

function perCycle(counts: Record<string, number>, cycles: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([type, count]) => [type, round(count / cycles, 2)]));
}
