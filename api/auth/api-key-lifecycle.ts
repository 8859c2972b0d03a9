/**
 * What can happen to a merchant's API keys after the first: another is issued (shown once), they are
 * listed, one is revoked. Changes to one merchant's keys take a lock on the merchant's row, so the cap
 * on active keys and the rule "a merchant keeps one active key" hold under concurrent requests.
 *
 * Why a merchant cannot revoke its last active key: the API key is its only credential (the dashboard
 * is entered with it too), so revoking the last one would lock it out until an operator issues a new
 * one. Rotation is "create, switch over, revoke the old one". The admin may revoke any key, the last
 * included: a leaked key must die at once, and the admin can issue the replacement.
 */
import { countActiveApiKeys, getMerchantApiKey, insertApiKey, listMerchantApiKeys, lockMerchantForKeyChanges, revokeApiKey, type ApiKey } from '../../db/queries/api-keys.js';
import { getMerchant } from '../../db/queries/merchants.js';
import { ApiError } from '../http/errors.js';
import type { AppServices } from '../services.js';
import { issueApiKey } from './api-keys.js';

/** Enough for rotation and one key per integration; bounds what a compromised session could mint. */
export const MAX_ACTIVE_API_KEYS = 10;

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** The key itself: returned once to whoever asked, never stored nor logged. */
  key: string;
}

export async function createApiKey(services: AppServices, params: { merchantId: string; via: 'api' | 'dashboard' | 'admin' }): Promise<CreatedApiKey> {
  const issued = issueApiKey();
  const apiKey = await services.db.transaction(async (tx) => {
    if (!(await lockMerchantForKeyChanges(tx, { merchantId: params.merchantId }))) throw new ApiError('merchant_not_found', 'No such merchant.');
    if ((await countActiveApiKeys(tx, { merchantId: params.merchantId })) >= MAX_ACTIVE_API_KEYS) {
      throw new ApiError('too_many_api_keys', `A merchant can have at most ${MAX_ACTIVE_API_KEYS} active API keys; revoke one first.`);
    }
    return insertApiKey(tx, { merchantId: params.merchantId, keyHash: issued.keyHash, keyPrefix: issued.keyPrefix });
  });
  services.logger.info({ merchantId: params.merchantId, apiKeyId: apiKey.id, via: params.via }, 'api key created');
  return { apiKey, key: issued.key };
}

export interface Revocation {
  merchantId: string;
  apiKeyId: string;
  /** Merchants keep their last active key; the admin may revoke any. */
  allowLastActiveKey: boolean;
  via: 'api' | 'dashboard' | 'admin';
}

/** Revokes the merchant's key (at once: keys are looked up on every request). Revoking a revoked key changes nothing. */
export async function revokeMerchantApiKey(services: AppServices, params: Revocation): Promise<ApiKey> {
  const notFound = () => new ApiError('api_key_not_found', 'No such API key.');
  const { key, revoked } = await services.db.transaction(async (tx) => {
    if (!(await lockMerchantForKeyChanges(tx, { merchantId: params.merchantId }))) throw notFound();
    const found = await getMerchantApiKey(tx, { merchantId: params.merchantId, apiKeyId: params.apiKeyId });
    if (!found) throw notFound();
    if (found.revokedAt) return { key: found, revoked: false };
    if (!params.allowLastActiveKey && (await countActiveApiKeys(tx, { merchantId: params.merchantId })) <= 1) {
      throw new ApiError('last_active_api_key', 'This is the only active API key: create another one first, then revoke this one.');
    }
    const now = services.clock();
    await revokeApiKey(tx, { apiKeyId: found.id, now });
    return { key: { ...found, revokedAt: now }, revoked: true };
  });
  if (revoked) services.logger.info({ merchantId: params.merchantId, apiKeyId: key.id, via: params.via }, 'api key revoked');
  return key;
}

/** A page of the merchant's keys, newest first; `merchant_not_found` when the admin names no merchant. */
export async function listApiKeys(services: AppServices, params: { merchantId: string; limit: number; after?: string | undefined }): Promise<ApiKey[]> {
  if (!(await getMerchant(services.db, params.merchantId))) throw new ApiError('merchant_not_found', 'No such merchant.');
  return listMerchantApiKeys(services.db, params);
}
