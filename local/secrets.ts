/**
 * The secrets `npm start` needs when nobody configured them: generated on first start and kept in
 * `<data dir>/secrets.json` (0600), so that a restart can still unseal the stored tokens, accept the
 * same admin key and talk to the simulator as the same Intuit app. Values from the environment win
 * and are never written to the file.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ensurePrivate, readJsonFile, writePrivateJson } from './data-dir.js';

export interface LocalSecrets {
  /** base64 of 32 bytes: the TOKEN_ENCRYPTION_KEYS of this installation. */
  tokenEncryptionKey: string;
  adminApiKey: string;
  /** The app `npm start` registers with the QuickBooks simulator. */
  intuitClientId: string;
  intuitClientSecret: string;
  webhookVerifierToken: string;
  /** The password of the embedded PGlite served over the wire protocol (it is in the DATABASE_URL the banner prints). */
  databasePassword: string;
}

const GENERATORS: Record<keyof LocalSecrets, () => string> = {
  tokenEncryptionKey: () => randomBytes(32).toString('base64'),
  adminApiKey: () => randomBytes(32).toString('hex'),
  intuitClientId: () => `local-${randomBytes(8).toString('hex')}`,
  intuitClientSecret: () => randomBytes(24).toString('base64url'),
  webhookVerifierToken: () => randomBytes(24).toString('base64url'),
  databasePassword: () => randomBytes(18).toString('base64url'),
};

export const SECRETS_FILE = 'secrets.json';

/** Reads the kept secrets, generating (and keeping) any that are missing. `created` names the new ones. */
export function loadOrCreateSecrets(dataDir: string): { secrets: LocalSecrets; created: (keyof LocalSecrets)[] } {
  const file = join(dataDir, SECRETS_FILE);
  ensurePrivate(file);
  const stored = readJsonFile<Partial<LocalSecrets>>(file) ?? {};
  const created: (keyof LocalSecrets)[] = [];
  const secrets = {} as LocalSecrets;
  for (const name of Object.keys(GENERATORS) as (keyof LocalSecrets)[]) {
    const value = stored[name];
    if (typeof value === 'string' && value.length > 0) {
      secrets[name] = value;
    } else {
      secrets[name] = GENERATORS[name]();
      created.push(name);
    }
  }
  if (created.length > 0) writePrivateJson(file, secrets);
  return { secrets, created };
}
