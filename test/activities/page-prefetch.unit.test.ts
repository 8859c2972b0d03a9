import { describe, expect, it } from 'vitest';
import { createPagePrefetcher, PREFETCH_TTL_MS } from '../../activities/page-prefetch.js';
import type { AnswerText } from '../../quickbooks/types.js';

const answer = (bodyText: string): AnswerText => ({ bodyText, serverTime: () => '2024-01-01T00:00:00Z', unexpected: () => new Error('unexpected') });
const key = (statement: string, connectionId = 'c1') => ({ connectionId, realmId: 'r1', statement });

describe('the page prefetcher', () => {
  it('hands a prefetched page out once, for the same connection, company and statement only', async () => {
    const prefetcher = createPagePrefetcher();
    let asked = 0;
    prefetcher.prefetch(key('page 2'), async () => (asked++, answer('two')));
    prefetcher.prefetch(key('page 2'), async () => (asked++, answer('again')));
    expect(asked).toBe(1);
    expect(prefetcher.take(key('page 2', 'c2'))).toBeUndefined();
    expect(prefetcher.take(key('page 3'))).toBeUndefined();
    expect((await prefetcher.take(key('page 2')))?.bodyText).toBe('two');
    expect(prefetcher.take(key('page 2'))).toBeUndefined();
  });

  it('drops a page older than its time to live, and a failed prefetch', async () => {
    let now = 0;
    const prefetcher = createPagePrefetcher(() => now);
    prefetcher.prefetch(key('old'), async () => answer('old'));
    now = PREFETCH_TTL_MS + 1;
    expect(prefetcher.take(key('old'))).toBeUndefined();

    prefetcher.prefetch(key('failing'), () => Promise.reject(new Error('503')));
    await new Promise((resolve) => setImmediate(resolve));
    expect(prefetcher.take(key('failing'))).toBeUndefined();
  });
});
