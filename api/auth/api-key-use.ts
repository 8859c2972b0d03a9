/**
 * Authenticates a presented API key, and keeps its last use current to within LAST_USE_RESOLUTION_MS:
 * the row is written only when the recorded use is older than that (one conditional UPDATE), never on
 * every request. Nothing is cached in process, so a revocation counts at once on every replica.
 */
import { findLiveApiKey, recordApiKeyUse, type AuthenticatedKey } from '../../db/queries/api-keys.js';
import type { AppServices } from '../services.js';
import { API_KEY_PATTERN } from './api-keys.js';
import { hashSecret } from './secrets.js';

export const LAST_USE_RESOLUTION_MS = 5 * 60_000;

/** The merchant and key of a live API key; undefined for a malformed, unknown or revoked one. */
export async function authenticateApiKey(services: AppServices, presented: string | undefined): Promise<AuthenticatedKey | undefined> {
  // Malformed keys never reach the database.
  if (!presented || !API_KEY_PATTERN.test(presented)) return undefined;
  const found = await findLiveApiKey(services.db, { keyHash: hashSecret(presented) });
  if (!found) return undefined;
  const now = services.clock();
  const unlessUsedSince = new Date(now.getTime() - LAST_USE_RESOLUTION_MS);
  if (found.apiKey.lastUsedAt === null || found.apiKey.lastUsedAt < unlessUsedSince) {
    await recordApiKeyUse(services.db, { apiKeyId: found.apiKey.id, now, unlessUsedSince });
  }
  return found;
}
