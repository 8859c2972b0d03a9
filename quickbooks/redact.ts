/**
 * Keeps token values out of error messages and log lines.
 *
 * Intuit echoes fragments of the bearer token back in its 401 bodies ("Token expired: AB016…"), and a
 * text we build can carry a value we sent. Everything that came from Intuit or from a request we made
 * goes through `redactSecrets` before it becomes part of a message.
 */

export const REDACTED = '[redacted]';

/** "Token expired: AB016…", "Token invalid: …", "Token revoked: …": the value after the colon is a token fragment. */
const TOKEN_ECHO = /\b((?:access |refresh |bearer )?token (?:expired|invalid|revoked|not found|rejected)\s*:\s*)\S+/gi;

/** A JWE/JWT-looking value (Intuit access tokens are JWEs starting with eyJ). */
const JWT_LIKE = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_.-]*/g;

/**
 * A long opaque run of token characters that mixes letters and digits, such as a refresh token
 * (`AB11…`, `RT1-39-H3-…`) or an authorization code. Words, numbers and ISO timestamps are shorter or
 * unmixed and survive.
 */
const OPAQUE_RUN = /[A-Za-z0-9_~+/=.-]{24,}/g;

function looksLikeToken(run: string): boolean {
  return /[0-9]/.test(run) && /[A-Za-z]/.test(run) && !/^[A-Za-z]+(?:\.[A-Za-z]+)+$/.test(run);
}

/**
 * Returns `text` with every known secret and everything shaped like a token replaced by `[redacted]`.
 * `knownSecrets` are values we hold (the access token we sent, the refresh token we used): any
 * occurrence of them, or of their first 12 characters, is removed too.
 */
export function redactSecrets(text: string, knownSecrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (!secret || secret.length < 8) continue;
    result = result.split(secret).join(REDACTED);
    const prefix = secret.slice(0, 12);
    if (prefix.length >= 8) result = result.split(prefix).join(REDACTED);
  }
  result = result.replace(TOKEN_ECHO, `$1${REDACTED}`);
  result = result.replace(JWT_LIKE, REDACTED);
  result = result.replace(OPAQUE_RUN, (run) => (looksLikeToken(run) ? REDACTED : run));
  return result;
}
