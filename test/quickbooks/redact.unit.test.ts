import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../quickbooks/redact.js';

describe('redactSecrets', () => {
  it('removes token echoes, JWE fragments, refresh tokens and codes; keeps ordinary words, ids and times', () => {
    const text =
      'Token expired: AB016013910728… | Malformed bearer eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..abc.def | ' +
      'refresh RT1-39-H3-1794056789abcdefghijklmnop | code AB111700000000abcdefghijklmnopqrstuvwxyz0123456789 | ' +
      'message=AuthenticationFailed; errorCode=003200; realm 9130354791234567 at 2024-01-01T00:00:00.000Z MetaData.LastUpdatedTime';
    const redacted = redactSecrets(text);
    expect(redacted).not.toMatch(/AB016|eyJlbm|RT1-39|AB1117/);
    expect(redacted).toContain('message=AuthenticationFailed; errorCode=003200; realm 9130354791234567 at 2024-01-01T00:00:00.000Z MetaData.LastUpdatedTime');
  });

  it('removes known secrets and their prefixes, however they are shaped', () => {
    expect(redactSecrets('bad secret: hunter2hunter2hunter2 and hunter2hunt…', ['hunter2hunter2hunter2'])).toBe('bad secret: [redacted] and [redacted]…');
  });
});
