import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TransientQuickBooksError } from '../../quickbooks/errors.js';
import { createRealmRateLimiter } from '../../quickbooks/rate-limiter.js';

describe('createRealmRateLimiter', () => {
  it('never runs more than maxConcurrent calls for one realm, and realms do not share a budget', async () => {
    const limiter = createRealmRateLimiter({ maxConcurrent: 3 });
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    const work = (realm: string) => async () => {
      inFlight.set(realm, (inFlight.get(realm) ?? 0) + 1);
      peak.set(realm, Math.max(peak.get(realm) ?? 0, inFlight.get(realm)!));
      await sleep(10);
      inFlight.set(realm, inFlight.get(realm)! - 1);
      return realm;
    };
    const results = await Promise.all([
      ...Array.from({ length: 12 }, () => limiter.schedule('realm-a', work('realm-a'))),
      ...Array.from({ length: 12 }, () => limiter.schedule('realm-b', work('realm-b'))),
    ]);
    expect(results.filter((realm) => realm === 'realm-a')).toHaveLength(12);
    expect(peak.get('realm-a')).toBe(3);
    expect(peak.get('realm-b')).toBe(3);
    expect(limiter.stats('realm-a').peakConcurrent).toBe(3);
  });

  it('starts no more than requestsPerMinute calls per window', async () => {
    const limiter = createRealmRateLimiter({ requestsPerMinute: 5, windowMs: 200 });
    const startedAt: number[] = [];
    const began = Date.now();
    await Promise.all(Array.from({ length: 12 }, () => limiter.schedule('realm', async () => void startedAt.push(Date.now() - began))));
    startedAt.sort((a, b) => a - b);
    expect(startedAt.filter((at) => at < 150)).toHaveLength(5);
    expect(startedAt[5]).toBeGreaterThanOrEqual(190);
    expect(startedAt[10]).toBeGreaterThanOrEqual(390);
  });

  it('pause() holds a realm’s queue (after a 429) while other realms proceed', async () => {
    const limiter = createRealmRateLimiter();
    limiter.pause('throttled', 150);
    expect(limiter.stats('throttled').pausedUntil).toBeInstanceOf(Date);
    const began = Date.now();
    const [pausedAt, otherAt] = await Promise.all([
      limiter.schedule('throttled', async () => Date.now() - began),
      limiter.schedule('other', async () => Date.now() - began),
    ]);
    expect(otherAt).toBeLessThan(50);
    expect(pausedAt).toBeGreaterThanOrEqual(140);
  });

  it('passes failures through and frees the slot', async () => {
    const limiter = createRealmRateLimiter({ maxConcurrent: 1 });
    await expect(limiter.schedule('realm', async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    await expect(limiter.schedule('realm', () => { throw new Error('sync boom'); })).rejects.toThrow('sync boom');
    await expect(limiter.schedule('realm', async () => 'ok')).resolves.toBe('ok');
  });

  it('a caller can abandon a call still waiting for its turn', async () => {
    const limiter = createRealmRateLimiter({ maxConcurrent: 1 });
    const blocker = limiter.schedule('realm', () => sleep(100));
    const controller = new AbortController();
    let ran = false;
    const waiting = limiter.schedule('realm', async () => { ran = true; }, { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(TransientQuickBooksError);
    await blocker;
    expect(ran).toBe(false);
    expect(limiter.stats('realm').queued).toBe(0);
  });
});

describe('createRealmRateLimiter housekeeping', () => {
  it('a pause with nobody waiting arms no timer, so it never holds a process open', async () => {
    const limiter = createRealmRateLimiter();
    limiter.pause('realm', 60_000);
    const controller = new AbortController();
    const waiting = limiter.schedule('realm', async () => 'never', { signal: controller.signal });
    const activeTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const withWaiter = activeTimers();
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(TransientQuickBooksError);
    expect(activeTimers()).toBe(withWaiter - 1);
  });
});
