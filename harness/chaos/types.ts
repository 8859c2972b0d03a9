/** What a chaos run is asked to do and what it reports. */
import type { RecordComparison } from '../verify-records.js';

export interface ChaosOptions {
  seed: number;
  /** Connections syncing at once (default 3). */
  connections?: number;
  /** Length of the chaos phase in ms (default 20 s); setup and the final convergence come on top. */
  durationMs?: number;
  /** Worker processes: 1 or 2 (default: drawn from the seed). */
  workers?: number;
  /** How long the final convergence may take before the run counts what differs (default 150 s: a 429 parks a realm for 60 s). */
  convergeTimeoutMs?: number;
  /** Keep the run's folder (Temporal's SQLite file, worker logs) even when it passed. */
  keepArtifacts?: boolean;
  /** A workflow bundle built ahead of time, which the workers load as production workers do (else each bundles with webpack when it starts). */
  workflowBundlePath?: string;
  log?: (line: string) => void;
}

export type ChaosEventKind = 'worker_kill' | 'temporal_kill' | 'db_terminate' | 'faults' | 'revoke' | 'changes';

export interface ConnectionOutcome extends RecordComparison {
  connectionId: string;
  realmId: string;
  status: string;
}

export interface ChaosRunResult {
  seed: number;
  ok: boolean;
  lost: number;
  duplicated: number;
  mismatched: number;
  /** Live QuickBooks records compared. */
  live: number;
  connections: ConnectionOutcome[];
  events: Record<ChaosEventKind, number>;
  /** Revocations we caused, and times a connection parked (`needs_reauthorization` notices). */
  revocations: number;
  parks: number;
  /** Connections found parked at the end while QuickBooks still had a live grant for them (e.g. a rotated refresh token lost with a killed worker). */
  unexpectedParks: number;
  /** Worker processes that exited without being killed by the run, and why (the first error line of their output). */
  workerCrashes: number;
  workerExitReasons: Record<string, number>;
  /** The Accounting API requests QuickBooks saw, and how many got an injected fault. */
  apiRequests: number;
  faultedRequests: number;
  setupMs: number;
  chaosMs: number;
  convergeMs: number;
  totalMs: number;
  /** Set when the run itself could not complete (setup failed, convergence never reached). */
  error?: string;
  artifacts?: string;
}
