/**
 * The bare signal-to-activity round trip the resume latency is compared with: a workflow that, on each
 * `ping` signal, runs one ordinary activity (which calls the benchmark's HTTP endpoint). Nothing else:
 * no state, no database, no search attributes.
 */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { RoundTripActivities } from './activities.js';

export const pingSignal = defineSignal<[{ id: string }]>('ping');
export const stopSignal = defineSignal('stop');

const { ping } = proxyActivities<RoundTripActivities>({ startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 3 } });

export async function signalRoundTripWorkflow(input: { url: string }): Promise<void> {
  const pending: string[] = [];
  let stopped = false;
  setHandler(pingSignal, ({ id }) => void pending.push(id));
  setHandler(stopSignal, () => void (stopped = true));
  for (;;) {
    await condition(() => pending.length > 0 || stopped);
    if (stopped) return;
    await ping({ url: input.url, id: pending.shift()! });
  }
}
