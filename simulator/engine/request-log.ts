/** The last Intuit-facing requests (OAuth and Accounting API, never control calls), for tests and operators to inspect. */
import type { RequestLogEntry, RequestLogQuery } from '../types.js';

const CAPACITY = 10_000;

export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  private next = 0;

  add(entry: RequestLogEntry): void {
    if (this.entries.length < CAPACITY) this.entries.push(entry);
    else this.entries[this.next] = entry;
    this.next = (this.next + 1) % CAPACITY;
  }

  clear(): void {
    this.entries.length = 0;
    this.next = 0;
  }

  /** Oldest first. */
  query(filter: RequestLogQuery = {}): RequestLogEntry[] {
    const ordered = this.entries.length < CAPACITY ? this.entries : [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
    const sinceMs = filter.since === undefined ? undefined : Date.parse(filter.since);
    return ordered.filter(
      (entry) =>
        (filter.realmId === undefined || entry.realmId === filter.realmId) &&
        (filter.kind === undefined || entry.kind === filter.kind) &&
        (sinceMs === undefined || Date.parse(entry.at) >= sinceMs),
    );
  }
}
