/** Intuit's five-year limit belongs to the grant: a refresh that names it a second later does not move it. */
import { describe, expect, it } from 'vitest';
import { keepHardLimit } from '../../activities/tokens.js';
import type { QuickBooksTokenSet } from '../../shared/tokens.js';

const tokens = (hard: string | null): QuickBooksTokenSet => ({
  realmId: '9341452000000001',
  accessToken: 'access',
  refreshToken: 'refresh',
  accessTokenExpiresAt: '2026-03-04T13:00:00.000Z',
  refreshTokenExpiresAt: '2026-06-12T12:00:00.000Z',
  refreshTokenHardExpiresAt: hard,
  obtainedAt: '2026-03-04T12:00:00.000Z',
});

describe("the grant's hard limit across refreshes", () => {
  it('stays the stored one when the fresh answer names the same limit, seconds apart', () => {
    expect(keepHardLimit(tokens('2031-03-04T12:00:00.000Z'), tokens('2031-03-04T12:00:01.250Z')).refreshTokenHardExpiresAt).toBe('2031-03-04T12:00:00.000Z');
    expect(keepHardLimit(tokens('2031-03-04T12:00:00.000Z'), tokens('2031-03-04T11:59:59.000Z')).refreshTokenHardExpiresAt).toBe('2031-03-04T12:00:00.000Z');
  });

  it('follows the answer when the limit really changed, or one side does not know it', () => {
    expect(keepHardLimit(tokens('2031-03-04T12:00:00.000Z'), tokens('2031-09-01T00:00:00.000Z')).refreshTokenHardExpiresAt).toBe('2031-09-01T00:00:00.000Z');
    expect(keepHardLimit(tokens(null), tokens('2031-03-04T12:00:01.000Z')).refreshTokenHardExpiresAt).toBe('2031-03-04T12:00:01.000Z');
    expect(keepHardLimit(tokens('2031-03-04T12:00:00.000Z'), tokens(null)).refreshTokenHardExpiresAt).toBeNull();
  });
});
