/**
 * Converts a token-endpoint answer into the product's QuickBooksTokenSet, with absolute expiry
 * instants. Lifetimes are counted from when we *sent* the request, so our expiry is never later than
 * Intuit's.
 *
 * Only the two tokens are required. A missing lifetime falls back to Intuit's documented value (1 hour,
 * 100 days rolling) rather than failing: on a refresh, refusing an answer would throw away a refresh
 * token Intuit may already have rotated, and the old one would then be dead.
 */
import type { QuickBooksTokenSet } from '../shared/tokens.js';
import { TransientQuickBooksError } from './errors.js';

export const DEFAULT_ACCESS_TOKEN_LIFETIME_S = 3600;
export const DEFAULT_REFRESH_TOKEN_LIFETIME_S = 100 * 24 * 3600;

type UnknownRecord = Record<string, unknown>;

function seconds(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number > 0 ? number : undefined;
}

function instant(from: Date, lifetimeSeconds: number): string {
  return new Date(from.getTime() + lifetimeSeconds * 1000).toISOString();
}

export interface TokenAnswer {
  json: unknown;
  realmId: string;
  requestedAt: Date;
  /** Names the call in the error message ("refresh the access token for realm 123"). */
  description: string;
  intuitTid: string | undefined;
  status: number | undefined;
}

export function tokenSetFromAnswer(answer: TokenAnswer): { tokenSet: QuickBooksTokenSet; defaultedFields: string[] } {
  const json: UnknownRecord = typeof answer.json === 'object' && answer.json !== null ? (answer.json as UnknownRecord) : {};
  const accessToken = json.access_token;
  const refreshToken = json.refresh_token;
  const missing = [
    typeof accessToken === 'string' && accessToken !== '' ? undefined : 'access_token',
    typeof refreshToken === 'string' && refreshToken !== '' ? undefined : 'refresh_token',
  ].filter((name): name is string => name !== undefined);
  if (missing.length > 0 || typeof accessToken !== 'string' || typeof refreshToken !== 'string') {
    throw new TransientQuickBooksError(`Intuit's answer to ${answer.description} has no ${missing.join(' or ')}`, {
      status: answer.status,
      intuitTid: answer.intuitTid,
    });
  }

  const defaultedFields: string[] = [];
  const expiresIn = seconds(json.expires_in);
  const refreshExpiresIn = seconds(json.x_refresh_token_expires_in);
  const hardExpiresIn = seconds(json.x_refresh_token_hard_expires_in);
  if (expiresIn === undefined) defaultedFields.push('expires_in');
  if (refreshExpiresIn === undefined) defaultedFields.push('x_refresh_token_expires_in');

  return {
    tokenSet: {
      realmId: answer.realmId,
      accessToken,
      refreshToken,
      accessTokenExpiresAt: instant(answer.requestedAt, expiresIn ?? DEFAULT_ACCESS_TOKEN_LIFETIME_S),
      refreshTokenExpiresAt: instant(answer.requestedAt, refreshExpiresIn ?? DEFAULT_REFRESH_TOKEN_LIFETIME_S),
      refreshTokenHardExpiresAt: hardExpiresIn === undefined ? null : instant(answer.requestedAt, hardExpiresIn),
      obtainedAt: answer.requestedAt.toISOString(),
    },
    defaultedFields,
  };
}
