/**
 * Stops what `npm start` started, in a fixed order whatever order things came up in: the API stops
 * taking requests, the worker drains, Temporal clients close, the simulator persists, the database
 * closes, the Temporal dev server stops last. A step that fails or hangs is logged and skipped, so one
 * stuck piece never keeps the others running.
 */
import type { Logger } from '../shared/logger.js';

export const STOP_ORDER = {
  /** First: operator commands stop finding a stack that is going away. */
  stackFile: 5,
  api: 10,
  worker: 20,
  temporalClients: 30,
  simulator: 40,
  /** Other processes' database connections end before the database closes. */
  databaseServer: 45,
  database: 50,
  temporal: 60,
  lock: 70,
} as const;

interface Step {
  name: string;
  order: number;
  run: () => Promise<void> | void;
}

const STEP_TIMEOUT_MS = 20_000;

export class Shutdown {
  private readonly steps: Step[] = [];
  private running: Promise<boolean> | undefined;

  constructor(private readonly logger: Logger) {}

  /** Registers how to stop something that has started. */
  add(name: string, order: number, run: () => Promise<void> | void): void {
    this.steps.push({ name, order, run });
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  /** Runs every step once, in order; resolves true when all of them succeeded. */
  run(): Promise<boolean> {
    this.running ??= this.runSteps();
    return this.running;
  }

  private async runSteps(): Promise<boolean> {
    let clean = true;
    for (const step of [...this.steps].sort((a, b) => a.order - b.order)) {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(step.run),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`did not stop within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS))),
        ]);
        this.logger.info({ step: step.name, ms: Date.now() - started }, 'stopped');
      } catch (error) {
        clean = false;
        this.logger.error({ step: step.name, err: error }, 'could not stop cleanly');
      } finally {
        clearTimeout(timer);
      }
    }
    return clean;
  }
}
