/**
 * Sealing of OAuth tokens with AES-256-GCM under a key ring (TOKEN_ENCRYPTION_KEYS): the first key
 * seals, every key unseals, so keys can be rotated by prepending a new one and re-sealing lazily.
 *
 * A sealed value is `v1.<keyId>.<base64url(iv | ciphertext | tag)>`. The key id is a short hash of the
 * key, never the key. Tokens travel through Temporal and rest in Postgres only in this form.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealError extends Error {
  override readonly name = 'SealError';
}

export interface TokenSealer {
  /** Encrypts under the primary key. */
  seal(plaintext: string): string;
  /** Decrypts with whichever key of the ring sealed the value; throws SealError when none did. */
  unseal(sealed: string): string;
  sealJson(value: unknown): string;
  unsealJson<T>(sealed: string): T;
  /** The id of the key new values are sealed with. */
  readonly primaryKeyId: string;
  /** True when `sealed` was sealed by an older key and should be re-sealed. */
  isSealedWithOldKey(sealed: string): boolean;
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** Parses the comma-separated base64 list of TOKEN_ENCRYPTION_KEYS; each key must be 32 bytes. */
export function parseEncryptionKeys(value: string): Buffer[] {
  const parts = value.split(',').map((part) => part.trim()).filter(Boolean);
  if (parts.length === 0) throw new SealError('TOKEN_ENCRYPTION_KEYS holds no key');
  return parts.map((part, index) => {
    const key = Buffer.from(part, 'base64');
    if (key.length !== 32) throw new SealError(`TOKEN_ENCRYPTION_KEYS key #${index + 1} is ${key.length} bytes; AES-256 needs 32 (base64 of 32 random bytes)`);
    return key;
  });
}

export function createTokenSealer(keys: readonly Buffer[]): TokenSealer {
  const [primary] = keys;
  if (!primary) throw new SealError('at least one encryption key is required');
  const ring = new Map(keys.map((key) => [keyIdOf(key), key]));
  const primaryKeyId = keyIdOf(primary);

  function seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', primary!, iv);
    const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${VERSION}.${primaryKeyId}.${body.toString('base64url')}`;
  }

  function parse(sealed: string): { keyId: string; body: Buffer } {
    const [version, keyId, encoded, ...rest] = sealed.split('.');
    if (version !== VERSION || !keyId || !encoded || rest.length > 0) throw new SealError('not a sealed value');
    const body = Buffer.from(encoded, 'base64url');
    if (body.length < IV_BYTES + TAG_BYTES) throw new SealError('sealed value is truncated');
    return { keyId, body };
  }

  function unseal(sealed: string): string {
    const { keyId, body } = parse(sealed);
    const key = ring.get(keyId);
    if (!key) throw new SealError(`sealed with key ${keyId}, which is not in TOKEN_ENCRYPTION_KEYS`);
    const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV_BYTES));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SealError('sealed value failed authentication (tampered, or sealed under another key)');
    }
  }

  return {
    seal,
    unseal,
    sealJson: (value) => seal(JSON.stringify(value)),
    unsealJson: <T>(sealed: string) => JSON.parse(unseal(sealed)) as T,
    primaryKeyId,
    isSealedWithOldKey: (sealed) => parse(sealed).keyId !== primaryKeyId,
  };
}
