/** Which Intuit surface a request hits, decided from its path alone (before any routing). */
import type { RequestKind } from '../types.js';

export interface RequestClass {
  kind: RequestKind | 'control' | 'other';
  realmId: string | null;
  /** Whether fault rules may apply (the token and revoke endpoints and the Accounting API; never the consent page). */
  faultable: boolean;
}

const API_PATH = /^\/v3\/company\/([^/]+)(?:\/|$)/;
export const TOKEN_PATH = '/oauth2/v1/tokens/bearer';
export const REVOKE_PATH = '/v2/oauth2/tokens/revoke';
export const AUTHORIZE_PATH = '/connect/oauth2';

export function classifyRequest(pathname: string): RequestClass {
  const api = API_PATH.exec(pathname);
  if (api) return { kind: 'api', realmId: decodeURIComponent(api[1] as string), faultable: true };
  if (pathname === TOKEN_PATH || pathname === REVOKE_PATH) return { kind: 'oauth', realmId: null, faultable: true };
  if (pathname === AUTHORIZE_PATH || pathname.startsWith(`${AUTHORIZE_PATH}/`)) return { kind: 'oauth', realmId: null, faultable: false };
  if (pathname === '/__simulator' || pathname.startsWith('/__simulator/')) return { kind: 'control', realmId: null, faultable: false };
  return { kind: 'other', realmId: null, faultable: false };
}
