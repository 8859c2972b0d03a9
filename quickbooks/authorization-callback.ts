/**
 * Reads the query of Intuit's redirect to our callback: `code`, `state`, `realmId` when the merchant
 * connected, or `error` (`access_denied` when they pressed Cancel) and `state` when they did not.
 */

export type AuthorizationCallback =
  | { outcome: 'authorized'; code: string; state: string; realmId: string }
  | { outcome: 'denied'; error: string; errorDescription: string | undefined; state: string | undefined }
  | { outcome: 'invalid'; problem: string; state: string | undefined };

/** Accepts the full redirect URL, a query string, or URLSearchParams. */
export function parseAuthorizationCallback(input: string | URL | URLSearchParams): AuthorizationCallback {
  const params =
    input instanceof URLSearchParams ? input
    : input instanceof URL ? input.searchParams
    : new URLSearchParams(input.includes('?') ? input.slice(input.indexOf('?') + 1) : input);
  const state = params.get('state') || undefined;
  const error = params.get('error');
  if (error) return { outcome: 'denied', error, errorDescription: params.get('error_description') || undefined, state };
  const code = params.get('code');
  const realmId = params.get('realmId');
  const missing = [code ? undefined : 'code', realmId ? undefined : 'realmId', state ? undefined : 'state'].filter(Boolean);
  if (!code || !realmId || !state) return { outcome: 'invalid', problem: `the callback has no ${missing.join(', ')}`, state };
  return { outcome: 'authorized', code, state, realmId };
}
