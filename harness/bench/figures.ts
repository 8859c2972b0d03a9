/** What a benchmark reports: named figures, each with the target it is held to (if any), and notes on method. */

export interface Target {
  /** e.g. "≥ 0.5", "< 1000 ms and < 3 × signal_roundtrip_ms_p50". */
  text: string;
  met: (value: number, all: ReadonlyMap<string, number>) => boolean;
}

export interface Figure {
  name: string;
  value: number;
  target?: Target;
}

export interface BenchmarkResult {
  figures: Figure[];
  /** How it was measured, what the run looked like, and anything worth knowing about a miss. */
  notes: string[];
  /** Raw material (samples, breakdowns) for the JSON file. */
  details?: Record<string, unknown>;
}

export const atLeast = (minimum: number, unit = ''): Target => ({ text: `≥ ${minimum}${unit}`, met: (value) => value >= minimum });
export const below = (maximum: number, unit = ''): Target => ({ text: `< ${maximum}${unit}`, met: (value) => value < maximum });
export const atMost = (maximum: number, unit = ''): Target => ({ text: `≤ ${maximum}${unit}`, met: (value) => value <= maximum });
export const exactly = (expected: number): Target => ({ text: `= ${expected}`, met: (value) => value === expected });

/** The worker a fleet benchmark runs: the production one (with --worker-max-cached as its WORKER_MAX_CACHED_WORKFLOWS), and its heap. */
export function fleetWorker(context: BenchContext): { entry?: string; env?: Record<string, string>; nodeFlags: string[] } {
  const cached = context.options.workerMaxCached;
  const heap = context.options.workerHeapMb;
  return {
    ...(cached ? { env: { WORKER_MAX_CACHED_WORKFLOWS: String(cached) } } : {}),
    nodeFlags: heap ? [`--max-old-space-size=${heap}`] : [],
  };
}

export interface BenchContext {
  quick: boolean;
  /** Progress lines (stderr). */
  log: (line: string) => void;
  /** Figures already measured in this run (a target may refer to another figure). */
  figures: ReadonlyMap<string, number>;
  options: BenchOptions;
}

export interface BenchOptions {
  /** Fleet: connections and sync interval (defaults 1,000 and 15 min; --quick 100 and 1 min). */
  fleetConnections?: number;
  fleetIntervalMs?: number;
  /** Fleet: worker processes on the one task queue (default 1). */
  fleetWorkers?: number;
  /** Parked fleet: connections (default 5,000; --quick 500). */
  parkedConnections?: number;
  /**
   * Fleet and parked fleet: run the worker with this `maxCachedWorkflows` (its WORKER_MAX_CACHED_WORKFLOWS)
   * instead of the product's default (DEFAULT_WORKER_MAX_CACHED_WORKFLOWS).
   */
  workerMaxCached?: number;
  /** Fleet and parked fleet: the worker's V8 heap limit (`--max-old-space-size`); the SDK sizes its cache from it. */
  workerHeapMb?: number;
  /** Write V8 CPU profiles of the worker processes into bench-results/profiles. */
  profile?: boolean;
  /** Backfill: company size (default 100,000; --quick 10,000). */
  backfillRecords?: number;
  /** Throttled backfill: company size (default 1,000,000; --quick 120,000). */
  throttledRecords?: number;
  /** Throttled backfill: limiter settings to try besides the product default (default 490). */
  throttledLimits?: number[];
}
