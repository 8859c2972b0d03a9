/**
 * The dashboard's API key actions (form posts, session only, our own origin: see dashboard.ts): create
 * a key and show it once, on the answer's page itself (never in a URL, never stored, never cached),
 * and revoke one behind a confirmation page. Revoking the key the session was started with ends the
 * session too, so the browser is signed out.
 */
import type { Context, Hono } from 'hono';
import { getMerchantApiKey, type ApiKey } from '../../db/queries/api-keys.js';
import { createApiKey, revokeMerchantApiKey } from '../auth/api-key-lifecycle.js';
import { endSession } from '../auth/sessions.js';
import type { AppEnv } from '../env.js';
import { ApiError } from '../http/errors.js';
import type { AppServices } from '../services.js';
import { toApiKeyView } from '../views/api-key.js';
import { ConfirmRevokeApiKeyPage } from '../views/dashboard/confirm-revoke-api-key.js';
import { NewApiKeyPage } from '../views/dashboard/new-api-key.js';
import { isKnownError } from '../views/dashboard/wording.js';
import { backToDashboard, UUID } from './dashboard-navigation.js';

const SECTION = 'api-keys';

/** Runs an action; a refusal the merchant can act on (last key, cap, not found) becomes a message on the dashboard. */
function explainingRefusals(action: (c: Context<AppEnv>) => Promise<Response>) {
  return async (c: Context<AppEnv>) => {
    try {
      return await action(c);
    } catch (error) {
      if (error instanceof ApiError && isKnownError(error.code)) return backToDashboard(c, { error: error.code, section: SECTION });
      throw error;
    }
  };
}

async function ownApiKey(services: AppServices, c: Context<AppEnv>): Promise<ApiKey> {
  const apiKeyId = c.req.param('id') ?? '';
  const key = UUID.test(apiKeyId) ? await getMerchantApiKey(services.db, { merchantId: c.get('merchant').id, apiKeyId }) : undefined;
  if (!key) throw new ApiError('api_key_not_found', 'No such API key.');
  return key;
}

/** Adds the actions to the dashboard's router, behind its session middleware. */
export function registerApiKeyActions(router: Hono<AppEnv>, services: AppServices): void {
  router.post(
    '/dashboard/api-keys',
    explainingRefusals(async (c) => {
      const merchant = c.get('merchant');
      const { key } = await createApiKey(services, { merchantId: merchant.id, via: 'dashboard' });
      // The page is the only place the key ever appears: no caching, no redirect carrying it.
      c.header('Cache-Control', 'no-store');
      return c.html(NewApiKeyPage({ merchantName: merchant.name, apiKey: key }), 201);
    }),
  );

  router.get(
    '/dashboard/api-keys/:id/revoke',
    explainingRefusals(async (c) => {
      const key = await ownApiKey(services, c);
      if (key.revokedAt) return backToDashboard(c, { result: 'api_key_revoked', section: SECTION });
      c.header('Cache-Control', 'no-store');
      return c.html(ConfirmRevokeApiKeyPage({ merchantName: c.get('merchant').name, apiKey: toApiKeyView(key), isSessionKey: key.id === c.get('apiKeyId') }));
    }),
  );

  router.post(
    '/dashboard/api-keys/:id/revoke',
    explainingRefusals(async (c) => {
      const key = await ownApiKey(services, c);
      await revokeMerchantApiKey(services, { merchantId: key.merchantId, apiKeyId: key.id, allowLastActiveKey: false, via: 'dashboard' });
      if (key.id !== c.get('apiKeyId')) return backToDashboard(c, { result: 'api_key_revoked', section: SECTION });
      // The session died with its key; clear the cookie as well.
      await endSession(c, services);
      return backToDashboard(c, { result: 'api_key_revoked_signed_out' });
    }),
  );
}
