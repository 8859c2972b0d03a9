/**
 * The simulator keeps its last 10,000 requests; a fleet benchmark makes more than that. This collector
 * polls `GET /__simulator/requests?since=` and keeps every entry (deduplicated by Intuit-Tid).
 */
import type { RequestLogEntry, SimulatorControl } from '../../simulator/types.js';

export class RequestCollector {
  readonly entries: RequestLogEntry[] = [];
  private readonly seen = new Set<string>();
  private since: string;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly control: SimulatorControl,
    since = new Date(),
  ) {
    this.since = since.toISOString();
  }

  start(everyMs = 3_000): this {
    this.timer = setInterval(() => void this.poll(), everyMs);
    return this;
  }

  async poll(): Promise<void> {
    this.polling ??= (async () => {
      try {
        const { data } = await this.control.requests({ since: this.since });
        for (const entry of data) {
          if (this.seen.has(entry.intuitTid)) continue;
          this.seen.add(entry.intuitTid);
          this.entries.push(entry);
        }
        // Entries of the same millisecond may still arrive: ask again from the newest one seen.
        if (data.length > 0) this.since = data[data.length - 1]!.at;
      } finally {
        this.polling = undefined;
      }
    })();
    return this.polling;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.poll();
  }
}

/** The most requests QuickBooks accepted (status not 429) in any window of `windowMs` (60 000: the busiest minute). */
export function busiestWindow(requests: readonly RequestLogEntry[], windowMs: number): number {
  const times = requests.filter((request) => request.status !== 429).map((request) => Date.parse(request.at)).sort((a, b) => a - b);
  let best = 0;
  for (let start = 0, end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
