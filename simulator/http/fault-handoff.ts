/**
 * Fault decisions are made once per request at the Node level (where a socket can be reset or left
 * hanging); the ones that still produce an answer (500, 503, 429, latency) are handed to the Hono
 * middleware through this map, keyed by the Node request object.
 */
import type { IncomingMessage } from 'node:http';
import type { FaultDecision } from '../engine/faults.js';

export class FaultHandoff {
  private readonly decisions = new WeakMap<IncomingMessage, FaultDecision>();

  put(request: IncomingMessage, decision: FaultDecision): void {
    this.decisions.set(request, decision);
  }

  take(request: IncomingMessage): FaultDecision | undefined {
    const decision = this.decisions.get(request);
    this.decisions.delete(request);
    return decision;
  }
}
