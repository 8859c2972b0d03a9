/**
 * parked_qbo_requests_per_hour / parked_history_events_per_hour: connections parked in
 * `needs_reauthorization` (grant revoked in QuickBooks, noticed by a sync, notice written) are watched
 * over a real window — 5 minutes (--quick: 1) of 10 connections (--quick: 5), each with a 2-second sync
 * interval, so that anything still cycling would show at once — and the counts (QuickBooks requests of
 * every kind for their companies, new events in their histories, continue-as-new runs included) are
 * scaled to one connection-hour. Real time, not the time-skipping server: the one timer a parked
 * workflow keeps is the day-1 reminder, far outside any window, and it is named in the notes.
 */
import { workflowIdForConnection } from '../../shared/contract.js';
import { statusQuery } from '../../workflows/messages.js';
import { sleep, waitFor } from '../retry.js';
import { startBenchStack, type BenchStack } from './bench-stack.js';
import { exactly, type BenchContext, type BenchmarkResult } from './figures.js';
import { eventTypeName, historiesOf } from './history.js';
import { round } from './stats.js';

export async function parkedBenchmark(context: BenchContext): Promise<BenchmarkResult> {
  const windowMs = context.quick ? 60_000 : 300_000;
  const count = context.quick ? 5 : 10;
  const stack = await startBenchStack({ name: 'parked', syncIntervalMs: 2_000 });
  try {
    await stack.startWorker({ label: 'worker' });
    const merchant = await stack.createApiMerchant();
    const connections: { realmId: string; connectionId: string }[] = [];
    for (let index = 0; index < count; index++) {
      const { realmId } = await stack.simulator.control.createCompany({ seed: 700 + index, customers: 2, items: 2, invoices: 4 });
      connections.push({ realmId, connectionId: await stack.connectViaApi(merchant.apiKey, realmId) });
    }
    const handleOf = (connectionId: string) => stack.client.workflow.getHandle(workflowIdForConnection(connectionId));
    for (const connection of connections) {
      await waitFor('the backfill', async () => ((await handleOf(connection.connectionId).query(statusQuery)).lastSyncedAt ? true : undefined), { timeoutMs: 60_000 });
      await stack.simulator.control.disconnect(connection.realmId);
    }
    for (const connection of connections) {
      await waitFor('the connection to park', async () => ((await handleOf(connection.connectionId).query(statusQuery)).phase === 'waiting_for_reauthorization' ? true : undefined), { timeoutMs: 60_000 });
    }
    // The park's own bookkeeping (notice, merchant webhook attempt) finishes before the window opens.
    await sleep(5_000);
    const before = await snapshot(stack, connections);
    const windowStart = Date.now();
    context.log(`parked: watching ${count} parked connections for ${Math.round(windowMs / 1000)} s`);
    await sleep(windowMs);
    const after = await snapshot(stack, connections);
    const hours = (Date.now() - windowStart) / 3_600_000;
    const requests = (await stack.simulator.control.requests({ since: new Date(windowStart).toISOString() })).data.filter((request) =>
      connections.some((connection) => connection.realmId === request.realmId),
    );
    const newEvents = after.events - before.events;
    const timers = after.pendingTimers;
    return {
      figures: [
        { name: 'parked_qbo_requests_per_hour', value: round(requests.length / count / hours, 2), target: exactly(0) },
        { name: 'parked_history_events_per_hour', value: round(newEvents / count / hours, 2), target: exactly(0) },
      ],
      notes: [
        `${count} parked connections watched for ${round(hours * 60, 1)} min in real time (${round(count * hours, 3)} connection-hours; one request or event would read ` +
          `${round(1 / (count * hours), 2)} per hour): ${requests.length} QuickBooks requests, ${newEvents} new history events, ${after.runs - before.runs} new runs.`,
        `timers still pending in the parked histories: ${timers.join('; ') || 'none'} — the reminders at 1 day and 7 days (each adds a notice activity and a few events once).`,
      ],
    };
  } finally {
    await stack.close();
  }
}

async function snapshot(stack: BenchStack, connections: { connectionId: string }[]) {
  let events = 0;
  let runs = 0;
  /** Pending (started, neither fired nor cancelled) timers, by duration in hours. */
  const timers = new Map<number, number>();
  for (const connection of connections) {
    const histories = await historiesOf(stack.client, workflowIdForConnection(connection.connectionId));
    runs += histories.length;
    const all = histories.flatMap((history) => history.events);
    events += all.length;
    const ended = new Set(
      all.flatMap((event) => {
        const name = eventTypeName(event);
        if (name === 'EVENT_TYPE_TIMER_FIRED') return [String(event.timerFiredEventAttributes?.timerId)];
        if (name === 'EVENT_TYPE_TIMER_CANCELED') return [String(event.timerCanceledEventAttributes?.timerId)];
        return [];
      }),
    );
    const lastRun = histories[histories.length - 1]?.events ?? [];
    for (const event of lastRun) {
      const attributes = event.timerStartedEventAttributes;
      if (eventTypeName(event) !== 'EVENT_TYPE_TIMER_STARTED' || !attributes || ended.has(String(attributes.timerId))) continue;
      const hours = round(Number(attributes.startToFireTimeout?.seconds ?? 0) / 3600, 1);
      timers.set(hours, (timers.get(hours) ?? 0) + 1);
    }
  }
  const pendingTimers = [...timers].map(([hours, count]) => `${count} × a ${hours} h timer`);
  return { events, runs, pendingTimers };
}
