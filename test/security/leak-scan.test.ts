/** The leak scanner itself: it must find whole secrets and fragments of them, and nothing else. */
import { describe, expect, it } from 'vitest';
import { findLeaks, fragmentsOf, readable } from './support/leak-scan.js';

const ACCESS_TOKEN = `eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..${'a1B2c3D4e5F6g7H8i9J0kL'}.${'Zx9_'.repeat(230)}.${'tAgTaGtagTAG0123456789'}`;
const REFRESH_TOKEN = 'RT1-117-H0-1795900000qwertyuiopasdfghjklz';

describe('the leak scanner', () => {
  it('searches a secret whole and by its distinctive fragments, never by the public JWE header', () => {
    const fragments = fragmentsOf(ACCESS_TOKEN);
    expect(fragments).toContain(ACCESS_TOKEN);
    expect(fragments).toContain('a1B2c3D4e5F6g7H8i9J0kL');
    expect(fragments).toContain('tAgTaGtagTAG0123456789'.slice(-16));
    expect(fragments.filter((fragment) => fragment.startsWith('eyJlbmMi'))).toEqual([ACCESS_TOKEN]);
    expect(fragmentsOf(REFRESH_TOKEN)).toEqual([REFRESH_TOKEN, '1795900000qwertyuiopasdfghjklz', '1795900000qwerty', 'tyuiopasdfghjklz']);
  });

  it('finds a whole token, a truncated one and a redacted head, and says where', () => {
    const secrets = [{ label: 'access', value: ACCESS_TOKEN }, { label: 'refresh', value: REFRESH_TOKEN }];
    const leaks = findLeaks(secrets, [
      { where: 'log 1', text: `token=${ACCESS_TOKEN}` },
      { where: 'log 2', text: `Token expired: [redacted]…${REFRESH_TOKEN.slice(-20)}` },
      { where: 'log 3', text: 'Token revoked or invalid: eyJlbmMiOiJBMTI4Q0JDLUhTMjU2…' },
    ]);
    expect([...new Set(leaks.map((leak) => `${leak.where}: ${leak.secret}`))]).toEqual(['log 1: access', 'log 2: refresh']);
  });

  it('reads byte payloads (Uint8Array and Buffer) as text', () => {
    const text = `{"accessToken":"${REFRESH_TOKEN}"}`;
    for (const data of [new TextEncoder().encode(text), Buffer.from(text)]) {
      expect(JSON.stringify({ data })).not.toContain(REFRESH_TOKEN);
      expect(readable({ payloads: [{ data }] })).toContain(REFRESH_TOKEN);
    }
    // fetchHistory() gives payload data as base64 text.
    expect(readable({ payloads: [{ data: Buffer.from(text).toString('base64') }] })).toContain(REFRESH_TOKEN);
  });
});
