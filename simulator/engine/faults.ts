/**
 * Injected failures. Rules are tried in order for each Intuit-facing request they target; each draws
 * from the fault RNG (seeded, so a run can be replayed) and the first that fires decides the outcome.
 */
import type { FaultKind, FaultRule, FaultSettings, RequestKind } from '../types.js';
import { Rng } from './rng.js';

export interface FaultDecision {
  kind: FaultKind;
  latencyMs: number;
  hangMs: number;
}

const DEFAULT_LATENCY_MS = 1_000;
const DEFAULT_HANG_MS = 30_000;

export class FaultInjector {
  private rules: FaultRule[] = [];

  constructor(private rng: Rng) {}

  set(settings: FaultSettings): void {
    if (settings.seed !== undefined) this.rng = Rng.fromSeed(settings.seed);
    this.rules = settings.rules.map((rule) => ({ ...rule }));
  }

  clear(): void {
    this.rules = [];
  }

  /** The current rules, `remaining` counting down as they fire. */
  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  decide(kind: RequestKind, realmId: string | null): FaultDecision | undefined {
    for (const rule of this.rules) {
      const target = rule.target ?? 'api';
      if (target !== 'all' && target !== kind) continue;
      if (rule.realmId !== undefined && rule.realmId !== realmId) continue;
      if (rule.remaining !== undefined && rule.remaining <= 0) continue;
      if (this.rng.next() >= rule.rate) continue;
      if (rule.remaining !== undefined) rule.remaining -= 1;
      return { kind: rule.kind, latencyMs: rule.latencyMs ?? DEFAULT_LATENCY_MS, hangMs: rule.hangMs ?? DEFAULT_HANG_MS };
    }
    return undefined;
  }
}
