/**
 * Intuit's per-realm limits: at most `requestsPerMinute` accepted requests in any rolling 60 seconds,
 * `requestsPerSecond` (when set) in any rolling second, and at most `maxConcurrentRequests` in flight. Windows use real time, not the simulator clock, since
 * they protect the simulator's own throughput. Rejected requests do not count against the minute, so a
 * client that backs off recovers.
 */
import type { SimulatorConfig } from '../types.js';

const WINDOW_MS = 60_000;
const SECOND_MS = 1_000;

interface RealmUsage {
  /** Real-time stamps of accepted requests, oldest first, from `head` on. */
  accepted: number[];
  head: number;
  inFlight: number;
}

/** Accepted requests after `sinceMs`, counted from the newest back (and no further than `atMost`). */
function acceptedSince(usage: RealmUsage, sinceMs: number, atMost: number): number {
  let count = 0;
  for (let index = usage.accepted.length - 1; index >= usage.head && count < atMost && (usage.accepted[index] as number) > sinceMs; index--) count += 1;
  return count;
}

export class RealmThrottle {
  private readonly realms = new Map<string, RealmUsage>();

  /** Admits the request (the caller must `release` it) or says why not. */
  tryAcquire(realmId: string, config: SimulatorConfig, nowMs = Date.now()): 'ok' | 'rate' | 'concurrency' {
    const usage = this.usage(realmId);
    if (config.throttle) {
      while (usage.head < usage.accepted.length && (usage.accepted[usage.head] as number) <= nowMs - WINDOW_MS) usage.head += 1;
      if (usage.head > 1024 && usage.head * 2 > usage.accepted.length) {
        usage.accepted = usage.accepted.slice(usage.head);
        usage.head = 0;
      }
      if (usage.inFlight >= config.maxConcurrentRequests) return 'concurrency';
      if (usage.accepted.length - usage.head >= config.requestsPerMinute) return 'rate';
      if (config.requestsPerSecond !== null && acceptedSince(usage, nowMs - SECOND_MS, config.requestsPerSecond) >= config.requestsPerSecond) return 'rate';
      usage.accepted.push(nowMs);
    }
    usage.inFlight += 1;
    return 'ok';
  }

  release(realmId: string): void {
    const usage = this.realms.get(realmId);
    if (usage && usage.inFlight > 0) usage.inFlight -= 1;
  }

  private usage(realmId: string): RealmUsage {
    let usage = this.realms.get(realmId);
    if (!usage) {
      usage = { accepted: [], head: 0, inFlight: 0 };
      this.realms.set(realmId, usage);
    }
    return usage;
  }
}
