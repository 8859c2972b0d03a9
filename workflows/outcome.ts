/**
 * How a step of the sync ended: the workflow's one vocabulary for it. A step either finished (`ok`,
 * with its value) or stopped, and the loop decides what a stop means: `revoked` parks the connection,
 * `failed` is recorded and backed off, `interrupted` (a message arrived, or history is long) carries on
 * from the checkpoint at the next turn of the loop.
 */
import type { ConnectionErrorView, SyncRunOutcome } from '../shared/workflow-payloads.js';

export type Stop =
  | { kind: 'revoked'; reason: string; error: ConnectionErrorView }
  | { kind: 'failed'; error: ConnectionErrorView }
  | { kind: 'interrupted' };

export type Outcome<T = undefined> = { kind: 'ok'; value: T } | Stop;

export const done: Outcome = { kind: 'ok', value: undefined };

export function ok<T>(value: T): Outcome<T> {
  return { kind: 'ok', value };
}

/** How a finished sync run is recorded in its audit row. */
export function syncRunOutcome(outcome: Outcome<unknown>): Exclude<SyncRunOutcome, 'running'> {
  if (outcome.kind === 'revoked') return 'needs_reauthorization';
  return outcome.kind === 'failed' ? 'failed' : 'succeeded';
}
