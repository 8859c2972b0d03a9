/**
 * Token and code values shaped like Intuit's, so that column widths, logging redaction and parsers meet
 * realistic input: a ~1 KB JWE-looking access token, an `RT1-…` refresh token and an `AB11…` code.
 * All drawn from the simulator's seeded RNG.
 */
import type { Rng } from '../rng.js';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The protected header Intuit's access tokens start with: `{"enc":"A128CBC-HS256","alg":"dir"}`. */
export const ACCESS_TOKEN_HEADER = 'eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0';

/** Direct-key JWE: header, empty key, IV, ciphertext, tag. */
export function newAccessTokenValue(rng: Rng): string {
  return `${ACCESS_TOKEN_HEADER}..${rng.chars(22, BASE64URL)}.${rng.chars(rng.between(900, 960), BASE64URL)}.${rng.chars(22, BASE64URL)}`;
}

export function newRefreshTokenValue(rng: Rng, nowMs: number): string {
  return `RT1-${rng.between(10, 250)}-H0-${Math.floor(nowMs / 1000)}${rng.chars(20, ALPHANUMERIC.toLowerCase())}`;
}

export function newAuthorizationCodeValue(rng: Rng, nowMs: number): string {
  return `AB11${Math.floor(nowMs / 1000)}${rng.chars(36, ALPHANUMERIC)}`;
}

/** The first characters of a token, for fault details ("Token expired: eyJlbmMiOiJBMTI4…"). */
export function tokenPrefix(token: string): string {
  return token.length > 20 ? `${token.slice(0, 20)}…` : token;
}
