/**
 * resume_latency_ms_p50/_p99: a connection is parked (its grant revoked in QuickBooks, then noticed on the
 * next sync); the merchant re-authorizes: the consent page is submitted, and the clock starts as our
 * OAuth callback (`GET /oauth/quickbooks/callback`, the real route, in-process) is called. It exchanges
 * the code, signals `tokensIssued`; the workflow accepts the tokens (an activity) and resumes from its
 * checkpoint with an incremental pull. The clock stops at that pull's QuickBooks request, as timestamped
 * on arrival by the simulator's request log. 50 re-authorizations (--quick: 10), round-robin over 10
 * connections, one at a time.
 *
 * signal_roundtrip_ms_p50: on the same Temporal server, in the same run, interleaved with the resumes: a
 * trivial workflow that runs one ordinary activity per signal, the activity calling an HTTP endpoint of
 * this process; from the signal call to the endpoint's arrival.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { statusQuery } from '../../workflows/messages.js';
import { workflowIdForConnection } from '../../shared/contract.js';
import { retryUntil, sleep, waitFor } from '../retry.js';
import { startBenchStack } from './bench-stack.js';
import type { BenchContext, BenchmarkResult, Target } from './figures.js';
import { eventId, eventTimeMs, eventTypeName, historiesOf, localActivityCompletions } from './history.js';
import { profileFlags } from './profiles.js';
import { pingSignal, signalRoundTripWorkflow, stopSignal } from './roundtrip/workflow.js';
import { describeSamples, quantile, round } from './stats.js';

const RESUME_TARGET: Target = {
  text: '< 1000 ms and < 3 × signal_roundtrip_ms_p50',
  met: (value, all) => value < 1000 && value < 3 * (all.get('signal_roundtrip_ms_p50') ?? Number.NaN),
};

interface Phases {
  callbackMs: number;
  /** From the callback call to the tokensIssued signal in history. */
  toSignalMs: number;
  /** From the signal to the workflow task that handles it starting on the worker. */
  toAcceptMs: number;
  /** From that task starting to the acceptTokens local activity completing (unseal, one transaction). */
  acceptMs: number;
  /** From acceptTokens completing to the QuickBooks request (the incremental pull's local activity, same task). */
  toRequestMs: number;
}

export async function resumeBenchmark(context: BenchContext): Promise<BenchmarkResult> {
  const iterations = context.quick ? 10 : 50;
  const connectionCount = context.quick ? 3 : 10;
  // An hour between cycles: nothing but the benchmark's own actions happens in the workflows.
  const stack = await startBenchStack({ name: 'resume', syncIntervalMs: 60 * 60_000 });
  const arrivals = new Map<string, number>();
  const pings = createServer((request, response) => {
    const id = new URL(request.url ?? '/', 'http://x').searchParams.get('id');
    if (id) arrivals.set(id, Date.now());
    response.writeHead(204).end();
  });
  await new Promise<void>((resolve) => pings.listen(0, '127.0.0.1', () => resolve()));
  const roundTripQueue = `${stack.taskQueue}-roundtrip`;
  try {
    await Promise.all([
      stack.startWorker({ label: 'worker', nodeFlags: profileFlags(context, 'resume-worker') }),
      stack.startWorker({ label: 'roundtrip-worker', entry: 'harness/bench/roundtrip-worker.ts', env: { BENCH_ROUNDTRIP_TASK_QUEUE: roundTripQueue } }),
    ]);
    const merchant = await stack.createApiMerchant();
    const connections: { id: string; realmId: string }[] = [];
    for (let index = 0; index < connectionCount; index++) {
      const { realmId } = await stack.simulator.control.createCompany({ seed: 500 + index, customers: 3, items: 2, invoices: 5 });
      connections.push({ id: await stack.connectViaApi(merchant.apiKey, realmId), realmId });
    }
    const handleOf = (connectionId: string) => stack.client.workflow.getHandle(workflowIdForConnection(connectionId));
    for (const connection of connections) {
      await waitFor('the first backfill', async () => {
        const view = await handleOf(connection.id).query(statusQuery);
        return view.phase === 'idle' && view.lastSyncedAt !== null && (view.checkpoint as { pass: unknown }).pass === null ? view : undefined;
      }, { timeoutMs: 120_000 });
    }
    const roundTrip = await stack.client.workflow.start(signalRoundTripWorkflow, { taskQueue: roundTripQueue, workflowId: `bench-roundtrip-${Date.now()}`, args: [{ url: `http://127.0.0.1:${(pings.address() as AddressInfo).port}/ping` }] });

    const merchantHeaders = { authorization: `Bearer ${merchant.apiKey}`, accept: 'application/json' };
    const resumeOnce = async (connection: { id: string; realmId: string }) => {
      // Park: QuickBooks revokes the grant, the next sync finds out.
      await stack.simulator.control.disconnect(connection.realmId);
      const sync = await stack.api.request(`/v1/connections/${connection.id}/sync`, { method: 'POST', headers: merchantHeaders });
      if (sync.status !== 202) throw new Error(`sync answered ${sync.status}`);
      await waitFor('the connection to park', async () => ((await handleOf(connection.id).query(statusQuery)).phase === 'waiting_for_reauthorization' ? true : undefined), { timeoutMs: 60_000, intervalMs: 50 });
      await sleep(300);
      // The merchant re-authorizes: consent first (not timed), then our callback.
      const callbackPath = await stack.prepareReauthorization(merchant.apiKey, connection.id, connection.realmId);
      const startedAt = Date.now();
      await stack.callback(callbackPath);
      const callbackMs = Date.now() - startedAt;
      const requestAt = await waitFor(
        "the resumed workflow's first QuickBooks request",
        async () => {
          const { data } = await stack.simulator.control.requests({ realmId: connection.realmId, kind: 'api', since: new Date(startedAt).toISOString() });
          return data.length > 0 ? Date.parse(data[0]!.at) : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 20 },
      );
      await waitFor('the resumed workflow to settle', async () => ((await handleOf(connection.id).query(statusQuery)).phase === 'idle' ? true : undefined), { timeoutMs: 60_000, intervalMs: 50 });
      return { latencyMs: requestAt - startedAt, phases: await phasesOf(connection.id, startedAt, callbackMs, requestAt) };
    };
    const roundTripOnce = async (id: string) => {
      const startedAt = Date.now();
      await roundTrip.signal(pingSignal, { id });
      const arrivedAt = await waitFor('the round trip', async () => arrivals.get(id), { timeoutMs: 30_000, intervalMs: 2 });
      return arrivedAt - startedAt;
    };
    const phasesOf = async (connectionId: string, startedAt: number, callbackMs: number, requestAt: number): Promise<Phases | undefined> => {
      const runs = await retryUntil('reading the history', () => historiesOf(stack.client, workflowIdForConnection(connectionId)), { timeoutMs: 10_000 });
      const events = runs.flatMap((run) => run.events).filter((event) => eventTimeMs(event) >= startedAt);
      const signal = events.find((event) => eventTypeName(event) === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED' && event.workflowExecutionSignaledEventAttributes?.signalName === 'tokensIssued');
      if (!signal) return undefined;
      // acceptTokens runs as a local activity in the workflow task that took the signal (an activity in
      // histories from before the accept-tokens-as-local-activity patch).
      const taskStarted = events.find((event) => eventTypeName(event) === 'EVENT_TYPE_WORKFLOW_TASK_STARTED' && eventId(event) > eventId(signal));
      const accepted = localActivityCompletions(events, 'acceptTokens').find((completion) => completion.markerEventId > eventId(signal));
      if (!taskStarted || !accepted) return undefined;
      return {
        callbackMs,
        toSignalMs: eventTimeMs(signal) - startedAt,
        toAcceptMs: eventTimeMs(taskStarted) - eventTimeMs(signal),
        acceptMs: accepted.completedMs - eventTimeMs(taskStarted),
        toRequestMs: requestAt - accepted.completedMs,
      };
    };

    // Warm-up (JIT, connection pools, the workflow cache): one of each, not counted.
    await resumeOnce(connections[0]!);
    await roundTripOnce('warm-up');
    const latencies: number[] = [];
    const roundTrips: number[] = [];
    const phases: Phases[] = [];
    for (let index = 0; index < iterations; index++) {
      const resumed = await resumeOnce(connections[(index + 1) % connections.length]!);
      latencies.push(resumed.latencyMs);
      if (resumed.phases) phases.push(resumed.phases);
      roundTrips.push(await roundTripOnce(`ping-${index}`));
      if ((index + 1) % 10 === 0) context.log(`resume: ${index + 1}/${iterations} (last ${resumed.latencyMs} ms)`);
    }
    await roundTrip.signal(stopSignal);
    const phase = (pick: (p: Phases) => number) => describeSamples(phases.map(pick), ' ms');
    const fromSignal = phases.map((p) => p.toAcceptMs + p.acceptMs + p.toRequestMs);
    return {
      figures: [
        { name: 'resume_latency_ms_p50', value: round(quantile(latencies, 0.5)) },
        { name: 'resume_latency_ms_p99', value: round(quantile(latencies, 0.99)), target: RESUME_TARGET },
        { name: 'signal_roundtrip_ms_p50', value: round(quantile(roundTrips, 0.5)) },
        // The same, counted from the tokensIssued signal in history rather than from the callback.
        { name: 'resume_from_signal_ms_p50', value: round(quantile(fromSignal, 0.5)) },
        { name: 'resume_from_signal_ms_p99', value: round(quantile(fromSignal, 0.99)) },
      ],
      notes: [
        `${iterations} re-authorizations over ${connectionCount} parked connections (tiny companies; a sync interval of an hour, so nothing else runs): ${describeSamples(latencies, ' ms')}.`,
        `bare signal → activity → HTTP round trip, interleaved: ${describeSamples(roundTrips, ' ms')}.`,
        `where a resume's time goes (from history event times): the callback itself (code exchange at QuickBooks + signal-with-start) ${phase((p) => p.callbackMs)}; ` +
          `callback start → tokensIssued in history ${phase((p) => p.toSignalMs)}; signal → workflow task started ${phase((p) => p.toAcceptMs)}; ` +
          `task started → acceptTokens (local activity: unseal, one transaction) completed ${phase((p) => p.acceptMs)}; acceptTokens completed → QuickBooks request (pull's local activity, same task) ${phase((p) => p.toRequestMs)}.`,
      ],
      details: { latencies, roundTrips, phases },
    };
  } finally {
    await new Promise<void>((resolve) => pings.close(() => resolve()));
    await stack.close();
  }
}
