/**
 * Intuit's per-realm limits: at most `requestsPerMinute` accepted requests in any rolling 60 seconds,
 * `requestsPerSecond` a second (when set), and at most `maxConcurrentRequests` in flight.
 *
 * The second is a bucket of `requestsPerSecond` requests refilled continuously, the way gateways usually
 * keep a per-second rate (Intuit does not say how it counts). A rolling second would count this process's
 * own stalls: requests that arrive while it builds a 1,000-record page (up to 200 ms) reach the handler
 * together, and a client pacing itself at the limit would be refused for the simulator's delay, not its own. Windows use real time, not the simulator clock, since
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
  /** The per-second bucket: requests it holds, as of `refilledAt`. */
  secondTokens: number;
  refilledAt: number;
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
      if (config.requestsPerSecond !== null) {
        const rate = config.requestsPerSecond;
        usage.secondTokens = Math.min(rate, usage.secondTokens + ((nowMs - usage.refilledAt) * rate) / SECOND_MS);
        usage.refilledAt = nowMs;
        if (usage.secondTokens < 1) return 'rate';
        usage.secondTokens -= 1;
      }
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
      usage = { accepted: [], head: 0, inFlight: 0, secondTokens: Number.POSITIVE_INFINITY, refilledAt: 0 };
      this.realms.set(realmId, usage);
    }
    return usage;
  }
}
