/**
 * Classification of what intuit-oauth 4.2.5 really throws. The library's own request pipeline
 * (getTokenRequest → processResponse → createError) builds each error; only its socket layer
 * (loadResponse) is replaced by the recorded answer, so these are the exact shapes production sees.
 */
import OAuthClient from 'intuit-oauth';
import { describe, expect, it } from 'vitest';
import { classifyOAuthError } from '../../quickbooks/classify-oauth-error.js';
import {
  ClientAuthError,
  GrantInvalidError,
  PermanentQuickBooksError,
  ThrottledError,
  TransientQuickBooksError,
} from '../../quickbooks/errors.js';

const REFRESH_TOKEN = 'RT1-39-H3-1794056789abcdefghijklmnopqrstuv';
const context = { operation: 'refresh the access token', realmId: '4620816365', secrets: [REFRESH_TOKEN, 'client-secret-value'] } as const;

function client(): OAuthClient {
  return new OAuthClient({ clientId: 'client-id', clientSecret: 'client-secret-value', environment: 'sandbox', redirectUri: 'http://localhost/callback' });
}

/** What intuit-oauth throws when the token endpoint answers `status` with `data`. */
async function libraryErrorFor(status: number, data: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const oauthClient = client();
  const axiosError = Object.assign(new Error(`Request failed with status code ${status}`), {
    response: { status, statusText: 'Error', headers, data },
  });
  oauthClient.loadResponse = () => Promise.reject(axiosError);
  return oauthClient.refreshUsingToken(REFRESH_TOKEN).then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

async function libraryErrorWithoutAnswer(message: string, code: string): Promise<unknown> {
  const oauthClient = client();
  oauthClient.loadResponse = () => Promise.reject(Object.assign(new Error(message), { code }));
  return oauthClient.refreshUsingToken(REFRESH_TOKEN).catch((error: unknown) => error);
}

describe('classifyOAuthError', () => {
  it.each([
    [{ error: 'invalid_grant' }],
    [{ error_description: 'Incorrect or invalid refresh token', error: 'invalid_grant' }],
    [{ error_description: 'Token invalid', error: 'invalid_grant' }],
  ])('invalid_grant %j → GrantInvalidError, not retryable, with the intuit_tid', async (body) => {
    const error = classifyOAuthError(await libraryErrorFor(400, body, { intuit_tid: '1-66a0f3b2-5b2c' }), context);
    expect(error).toBeInstanceOf(GrantInvalidError);
    expect(error).toMatchObject({ name: 'GrantInvalidError', retryable: false, status: 400, code: 'invalid_grant', intuitTid: '1-66a0f3b2-5b2c' });
    expect(error.message).toContain('realm 4620816365');
    expect(error.message).not.toContain(REFRESH_TOKEN);
  });

  it('invalid_client (401) → ClientAuthError', async () => {
    const error = classifyOAuthError(await libraryErrorFor(401, { error: 'invalid_client' }), context);
    expect(error).toBeInstanceOf(ClientAuthError);
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain('client-secret-value');
  });

  it('429 → ThrottledError; 5xx and a 503 HTML page → TransientQuickBooksError', async () => {
    expect(classifyOAuthError(await libraryErrorFor(429, ''), context)).toBeInstanceOf(ThrottledError);
    expect(classifyOAuthError(await libraryErrorFor(500, { error: 'server_error' }), context)).toBeInstanceOf(TransientQuickBooksError);
    const html = classifyOAuthError(await libraryErrorFor(503, '<html><body>Service Unavailable</body></html>'), context);
    expect(html).toBeInstanceOf(TransientQuickBooksError);
    expect(html.status).toBe(503);
  });

  it('other 4xx (invalid_request, unsupported_grant_type) → PermanentQuickBooksError', async () => {
    expect(classifyOAuthError(await libraryErrorFor(400, { error: 'invalid_request' }), context)).toBeInstanceOf(PermanentQuickBooksError);
    expect(classifyOAuthError(await libraryErrorFor(400, { error: 'unsupported_grant_type' }), context)).toBeInstanceOf(PermanentQuickBooksError);
  });

  it('no answer (refused, reset, socket hang up, axios timeout) → TransientQuickBooksError', async () => {
    for (const [message, code] of [
      ['connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'],
      ['read ECONNRESET', 'ECONNRESET'],
      ['socket hang up', 'ECONNRESET'],
      ['timeout of 30000ms exceeded', 'ECONNABORTED'],
    ]) {
      const error = classifyOAuthError(await libraryErrorWithoutAnswer(message!, code!), context);
      expect(error, message).toBeInstanceOf(TransientQuickBooksError);
    }
  });

  it('intuit-oauth’s local checks: an expired stored refresh token → GrantInvalidError; a missing one → Permanent', async () => {
    const expired = client();
    expired.setToken({ refresh_token: REFRESH_TOKEN, x_refresh_token_expires_in: 1, createdAt: 1 });
    const expiredError = await expired.refresh().catch((error: unknown) => error);
    expect(classifyOAuthError(expiredError, context)).toBeInstanceOf(GrantInvalidError);

    const missing = await client().refresh().catch((error: unknown) => error);
    expect(classifyOAuthError(missing, context)).toBeInstanceOf(PermanentQuickBooksError);
    expect(classifyOAuthError(await client().createToken('').catch((error: unknown) => error), context)).toBeInstanceOf(PermanentQuickBooksError);
  });

  it('OAuthError from validateResponse (RATE_LIMIT_EXCEEDED) → ThrottledError', () => {
    const error = Object.assign(new Error('Rate limit exceeded'), { name: 'OAuthError', code: 'RATE_LIMIT_EXCEEDED', intuitTid: 'tid-9' });
    const typed = classifyOAuthError(error, context);
    expect(typed).toBeInstanceOf(ThrottledError);
    expect(typed.intuitTid).toBe('tid-9');
  });
});
