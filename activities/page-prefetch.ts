/**
 * The next page of a query pass, asked while the current one is being stored: by the time the workflow
 * schedules the next `pullEntityPage`, its answer is (often) already here. A prefetched page is a snapshot
 * taken a little earlier than the activity would have taken it, which the cursor handles like any other
 * (its server time is earlier too, so the change window only widens). Only taken when the statement, the
 * company and the connection are the same, and only while young; a failed prefetch is asked again.
 */
import type { AnswerText } from '../quickbooks/types.js';

/** A prefetched page older than this is dropped: the activity asks afresh. */
export const PREFETCH_TTL_MS = 30_000;
/** Pages held at most (three lanes per connection, a few connections at a time). */
const MAX_HELD = 64;

interface Held {
  answer: Promise<AnswerText>;
  askedAt: number;
}

export interface PagePrefetcher {
  /** Starts asking for `statement` now (unless it is asked already). */
  prefetch(key: PrefetchKey, ask: () => Promise<AnswerText>): void;
  /** The prefetched answer for `key`, if one is young enough; it is handed out once. */
  take(key: PrefetchKey): Promise<AnswerText> | undefined;
}

export interface PrefetchKey {
  connectionId: string;
  realmId: string;
  statement: string;
}

export function createPagePrefetcher(now: () => number = Date.now): PagePrefetcher {
  const held = new Map<string, Held>();
  const keyOf = (key: PrefetchKey) => `${key.connectionId}\u0000${key.realmId}\u0000${key.statement}`;

  function dropStale(): void {
    for (const [key, entry] of held) if (now() - entry.askedAt > PREFETCH_TTL_MS || held.size > MAX_HELD) held.delete(key);
  }

  return {
    prefetch(key, ask) {
      dropStale();
      const id = keyOf(key);
      if (held.has(id)) return;
      const answer = ask();
      // An unhandled rejection would crash the worker: the activity that takes it sees the error and asks again.
      answer.catch(() => held.delete(id));
      held.set(id, { answer, askedAt: now() });
    },
    take(key) {
      const id = keyOf(key);
      const entry = held.get(id);
      held.delete(id);
      if (!entry || now() - entry.askedAt > PREFETCH_TTL_MS) return undefined;
      return entry.answer;
    },
  };
}
