/**
 * What both realm rate limiters share: a caller waiting its turn in a realm's FIFO queue. The limiter
 * decides when the head may start and hands it a ticket (nothing for the in-memory limiter, the
 * database lease for the fleet-wide one); the call then runs, its slot is given back (`finish`), and
 * only then does the caller hear back, so whatever it does next already counts the slot free. A caller
 * whose signal aborts while it still waits leaves the queue; one already running is not interrupted.
 */
import { TransientQuickBooksError } from './errors.js';

export interface RealmWaiter<Ticket> {
  start(ticket: Ticket): void;
  fail(error: unknown): void;
}

export interface EnqueueOptions<Ticket> {
  realmId: string;
  waiters: RealmWaiter<Ticket>[];
  signal?: AbortSignal | undefined;
  /** Gives the slot back once the call settled (the caller hears back after it). */
  finish(ticket: Ticket): Promise<void> | void;
  /** Lets the limiter look at its queue again (a waiter joined or left). */
  pump(): void;
}

/** Queues `fn` for its realm's turn and settles with what it returns. */
export function enqueueRealmCall<T, Ticket>(fn: () => Promise<T>, options: EnqueueOptions<Ticket>): Promise<T> {
  const { realmId, waiters, signal } = options;
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abandonedWhileWaiting(realmId, signal.reason));
      return;
    }
    const onAbort = () => {
      const index = waiters.indexOf(waiter);
      if (index < 0) return;
      waiters.splice(index, 1);
      reject(abandonedWhileWaiting(realmId, signal?.reason));
      options.pump();
    };
    const waiter: RealmWaiter<Ticket> = {
      fail: (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      },
      start: (ticket) => {
        signal?.removeEventListener('abort', onAbort);
        let running: Promise<T>;
        try {
          running = fn();
        } catch (error) {
          running = Promise.reject(error);
        }
        // `finish` does not throw (a lease it cannot end expires by itself); if it ever did, the caller still hears back.
        const settle = () => Promise.resolve().then(() => options.finish(ticket)).catch(() => undefined);
        void running.then(
          (value) => settle().then(() => resolve(value)),
          (error: unknown) => settle().then(() => reject(error)),
        );
      },
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    waiters.push(waiter);
    options.pump();
  });
}

function abandonedWhileWaiting(realmId: string, reason: unknown): TransientQuickBooksError {
  return new TransientQuickBooksError(`QuickBooks request for realm ${realmId} was cancelled while waiting for the realm's rate limit`, { cause: reason });
}
