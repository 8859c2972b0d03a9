/**
 * Structured logs (pino). Secrets never reach a log line: every field that can hold a token, a code or
 * a key is redacted wherever it sits in the logged object, and callers log ids, never token values.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

const SECRET_FIELDS = [
  'accessToken', 'refreshToken', 'access_token', 'refresh_token', 'id_token', 'token', 'tokens',
  'sealedTokens', 'authorization', 'Authorization', 'code', 'clientSecret', 'client_secret', 'apiKey', 'password',
];

/** Paths up to three levels deep, since pino's redaction wildcards match a single level. */
const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

export function createLogger(options: { level?: string; name?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      name: options.name,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: undefined,
    },
    options.destination,
  );
}
