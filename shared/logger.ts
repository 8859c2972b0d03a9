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

export interface LoggerOptions {
  level?: string;
  name?: string;
  destination?: DestinationStream;
  /**
   * Write each line to stdout before returning. A process that ends with process.exit() needs it: pino's
   * default writer is asynchronous, and its flush at exit writes the queued lines while the one already
   * being written is still in flight, so the last lines can come out of order.
   */
  sync?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      name: options.name,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: undefined,
    },
    options.destination ?? (options.sync ? pino.destination({ dest: 1, sync: true }) : undefined),
  );
}
