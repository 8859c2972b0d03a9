/**
 * The demo merchant of `npm start`: created once, its API key kept in `<data dir>/demo-merchant.json`
 * (0600) so that every start can print it. The database stores only the key's hash, like for any
 * merchant; if the kept key no longer opens that database (DATABASE_URL now points elsewhere), a new
 * demo merchant is created there.
 */
import { join } from 'node:path';
import { issueApiKey } from '../api/auth/api-keys.js';
import { hashSecret } from '../api/auth/secrets.js';
import type { Database } from '../db/client.js';
import { createMerchant, findMerchantByKeyHash } from '../db/queries/merchants.js';
import type { Logger } from '../shared/logger.js';
import { ensurePrivate, readJsonFile, writePrivateJson } from './data-dir.js';

export interface DemoMerchant {
  id: string;
  name: string;
  apiKey: string;
}

export const DEMO_MERCHANT_NAME = 'Demo Merchant';
const FILE = 'demo-merchant.json';

export async function ensureDemoMerchant(db: Database, dataDir: string, logger: Logger): Promise<DemoMerchant> {
  const file = join(dataDir, FILE);
  ensurePrivate(file);
  const kept = readJsonFile<DemoMerchant>(file);
  if (kept?.apiKey) {
    const merchant = await findMerchantByKeyHash(db, hashSecret(kept.apiKey));
    if (merchant) return { id: merchant.id, name: merchant.name, apiKey: kept.apiKey };
    logger.warn({ merchantId: kept.id }, 'the kept demo merchant is not in this database; creating a new one');
  }
  const key = issueApiKey();
  const merchant = await createMerchant(db, { name: DEMO_MERCHANT_NAME, keyHash: key.keyHash, keyPrefix: key.keyPrefix });
  const created: DemoMerchant = { id: merchant.id, name: merchant.name, apiKey: key.key };
  writePrivateJson(file, created);
  logger.info({ merchantId: merchant.id }, 'demo merchant created');
  return created;
}
