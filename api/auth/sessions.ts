/**
 * Dashboard sessions: an HttpOnly, SameSite=Lax cookie holding a random token whose hash is stored
 * (db/schema/dashboard-sessions.ts). The API key is exchanged for a session once and never stored in
 * the browser; the session remembers which key it was, and ends when that key is revoked.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createDashboardSession, findLiveDashboardSession, revokeDashboardSession, type LiveSession } from '../../db/queries/dashboard-sessions.js';
import type { Merchant } from '../../db/queries/merchants.js';
import type { AppServices } from '../services.js';
import { hashSecret, randomSecret } from './secrets.js';

export const SESSION_COOKIE = 'qbo_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export async function startSession(c: Context, services: AppServices, params: { merchantId: string; apiKeyId: string }): Promise<{ expiresAt: Date }> {
  const token = randomSecret();
  const expiresAt = new Date(services.clock().getTime() + SESSION_TTL_MS);
  await createDashboardSession(services.db, { tokenHash: hashSecret(token), merchantId: params.merchantId, apiKeyId: params.apiKeyId, expiresAt });
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: services.config.secureCookies,
    path: '/',
    expires: expiresAt,
  });
  return { expiresAt };
}

/** The live session the request's cookie names, if any: its merchant and the key it was started with. */
export async function currentSession(c: Context, services: AppServices): Promise<LiveSession | undefined> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token || !TOKEN_PATTERN.test(token)) return undefined;
  return findLiveDashboardSession(services.db, { tokenHash: hashSecret(token), now: services.clock() });
}

/** The merchant of the request's session cookie, if it names a live session. */
export async function sessionMerchant(c: Context, services: AppServices): Promise<Merchant | undefined> {
  return (await currentSession(c, services))?.merchant;
}

export async function endSession(c: Context, services: AppServices): Promise<void> {
  const token = getCookie(c, SESSION_COOKIE);
  if (token && TOKEN_PATTERN.test(token)) await revokeDashboardSession(services.db, { tokenHash: hashSecret(token), now: services.clock() });
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: services.config.secureCookies });
}
