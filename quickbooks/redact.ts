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

/** A JWE/JWT-looking value or a fragment of one (Intuit access tokens are JWEs starting with eyJ). */
const JWT_LIKE = /\beyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_.-]*)?/g;

/**
 * A long opaque run of token characters that mixes letters and digits, such as a refresh token
 * (`AB11…`, `RT1-39-H3-…`) or an authorization code. Words, numbers and ISO timestamps are shorter or
 * unmixed and survive.
 */
const OPAQUE_RUN = /[A-Za-z0-9_~+/=.-]{24,}/g;

function looksLikeToken(run: string): boolean {
  return /[0-9]/.test(run) && /[A-Za-z]/.test(run) && !/^[A-Za-z]+(?:\.[A-Za-z]+)+$/.test(run);
}

/** Replaces every run of at least 8 characters that is a prefix of `secret` (the whole secret included). */
function redactPrefixes(text: string, secret: string): string {
  const head = secret.slice(0, 8);
  let result = '';
  let from = 0;
  for (let at = text.indexOf(head); at >= 0; at = text.indexOf(head, from)) {
    let end = at + head.length;
    while (end < text.length && end - at < secret.length && text[end] === secret[end - at]) end += 1;
    result += `${text.slice(from, at)}${REDACTED}`;
    from = end;
  }
  return result + text.slice(from);
}

/**
 * Returns `text` with every known secret and everything shaped like a token replaced by `[redacted]`.
 * `knownSecrets` are values we hold (the access token we sent, the refresh token we used): the whole
 * value and any fragment of 8 or more of its first characters (Intuit echoes prefixes) are removed.
 */
export function redactSecrets(text: string, knownSecrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (secret && secret.length >= 8) result = redactPrefixes(result, secret);
  }
  result = result.replace(TOKEN_ECHO, `$1${REDACTED}`);
  result = result.replace(JWT_LIKE, REDACTED);
  result = result.replace(OPAQUE_RUN, (run) => (looksLikeToken(run) ? REDACTED : run));
  return result;
}
