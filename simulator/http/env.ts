/** Hono's context types for the simulator: Node bindings plus what the Intuit-facing middleware records. */
import type { HttpBindings } from '@hono/node-server';
import type { FaultDecision } from '../engine/faults.js';

export interface SimulatorEnv {
  Bindings: HttpBindings;
  Variables: {
    intuitTid: string;
    /** The realm a request concerned, for the request log (OAuth handlers set it once they know). */
    realmId: string | null;
    fault: FaultDecision | undefined;
  };
}
