import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Intuit signs each delivery: `intuit-signature` = base64(HMAC-SHA256(raw body, verifier token)).
 * Checked on the raw bytes, before the body is parsed, in constant time.
 */
export function isValidIntuitSignature(rawBody: Uint8Array, signature: string | undefined, verifierToken: string): boolean {
  if (!signature || signature.length > 256) return false;
  const expected = createHmac('sha256', verifierToken).update(rawBody).digest();
  const given = Buffer.from(signature.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
