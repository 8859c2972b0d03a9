/**
 * The QuickBooks Online simulator, embeddable: `startSimulator()` serves Intuit's OAuth and Accounting
 * API (and the `/__simulator` control API) on a local port, so that the real intuit-oauth client and
 * our Accounting API client can run offline. See README.md in this folder for what it simulates.
 */
import { z } from 'zod';
import { configPatchSchema } from './engine/config.js';
import { DebouncedStateWriter, loadEngineState } from './engine/persistence.js';
import { SimulatorEngine } from './engine/simulator-engine.js';
import { createSimulatorControl } from './control-client.js';
import { appSchema } from './http/control-schemas.js';
import { createSimulatorApp } from './http/app.js';
import { FaultHandoff } from './http/fault-handoff.js';
import { listen } from './http/server.js';
import { OutboundNotifier } from './outbound/notifier.js';
import type { SimulatorApp, SimulatorConfig, SimulatorControl } from './types.js';

export type * from './types.js';
export { createSimulatorControl, SimulatorControlError } from './control-client.js';
export { completeConsent } from './consent-client.js';

export interface SimulatorOptions {
  /** 0 (default): a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Apps registered at start (in addition to those a data file restores). */
  apps?: SimulatorApp[];
  /** Load state from this JSON file at start; persist to it (debounced ~1 s, and on close). */
  dataFile?: string;
  /** Seeds the simulator's own RNG (token values, fault decisions, default company seeds). */
  seed?: number;
  config?: Partial<SimulatorConfig>;
}

export interface RunningSimulator {
  url: string;
  close(): Promise<void>;
  control: SimulatorControl;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const state = options.dataFile ? loadEngineState(options.dataFile) : undefined;
  const engine = new SimulatorEngine({ seed: options.seed, state });
  if (options.config) engine.setConfig(validated(configPatchSchema, options.config, 'config'));
  for (const app of options.apps ?? []) engine.registerApp(validated(appSchema, app, 'apps'));

  const writer = options.dataFile ? new DebouncedStateWriter(options.dataFile, () => engine.toState()) : undefined;
  engine.hooks.mutated = () => writer?.schedule();
  writer?.writeNow();

  const closing = new AbortController();
  const outbound = new OutboundNotifier(engine, closing.signal);
  const handoff = new FaultHandoff();
  const server = await listen(createSimulatorApp(engine, handoff, closing.signal), engine, handoff, {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
  });

  let closed: Promise<void> | undefined;
  return {
    url: server.url,
    control: createSimulatorControl(server.url),
    close: () => {
      closed ??= (async () => {
        closing.abort();
        await server.close();
        await outbound.idle();
        // Always write on close: token issuance and ids advance the RNG state, which a restart must continue from.
        writer?.writeNow();
      })();
      return closed;
    },
  };
}

function validated<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`startSimulator: invalid ${what}: ${z.prettifyError(result.error)}`);
  return result.data;
}
