import { hashSecret, randomSecret } from './secrets.js';

const KEY_PREFIX = 'qbk_';
/** `qbk_` + 43 base64url characters; anything else is rejected before touching the database. */
export const API_KEY_PATTERN = /^qbk_[A-Za-z0-9_-]{43}$/;

export interface IssuedApiKey {
  /** Shown once to whoever created the merchant; never stored. */
  key: string;
  keyHash: string;
  /** Lets a merchant tell its keys apart without revealing them. */
  keyPrefix: string;
}

export function issueApiKey(): IssuedApiKey {
  const key = `${KEY_PREFIX}${randomSecret()}`;
  return { key, keyHash: hashSecret(key), keyPrefix: key.slice(0, KEY_PREFIX.length + 6) };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when the header is absent or not Bearer. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header || header.length > 512) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
