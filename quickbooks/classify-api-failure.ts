/**
 * Turns an Accounting API answer that is not a usable success into one typed error, from the status,
 * the fault (either envelope) and the headers. Also classifies failures that never got an answer.
 */
import {
  AccessTokenRejectedError,
  AccessForbiddenError,
  PermanentQuickBooksError,
  ThrottledError,
  TransientQuickBooksError,
  type QuickBooksError,
} from './errors.js';
import { describeFault, faultCode, parseFault } from './faults.js';
import { redactSecrets } from './redact.js';

export type AccountingOperation = 'query' | 'cdc' | 'read' | 'companyinfo' | 'preferences';

export interface RequestContext {
  operation: AccountingOperation;
  realmId: string;
  /** The entity (read) or entities (cdc) concerned, when known. */
  entity?: string;
  /** Values we sent that must never be echoed (the access token). */
  secrets: readonly string[];
  /** The wait after a 429 without a longer Retry-After; Intuit's 60 s unless configured (tests). */
  throttleWaitMs?: number;
}

export interface ApiAnswer {
  status: number;
  /** The body parsed as JSON, or undefined when it was not JSON. */
  body: unknown;
  bodyText: string;
  intuitTid: string | undefined;
  retryAfterHeader: string | null;
}

const THROTTLE_CODE = '3001';
const AUTHORIZATION_FAILED_CODE = '3100';

export function describeRequest(context: RequestContext): string {
  const entity = context.entity ? ` ${context.entity}` : '';
  return `QuickBooks ${context.operation}${entity} for realm ${context.realmId}`;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isThrottle(status: number, code: string | undefined, summary: string): boolean {
  return status === 429 || code === THROTTLE_CODE || /ThrottleExceeded/i.test(summary);
}

/** Classifies an answer with an error status, or a 2xx whose body carries a Fault. */
export function classifyApiAnswer(answer: ApiAnswer, context: RequestContext): QuickBooksError {
  const fault = parseFault(answer.body);
  const code = fault ? faultCode(fault) : undefined;
  const summary = redactSecrets(fault ? describeFault(fault) : answer.bodyText.slice(0, 300) || 'empty body', context.secrets);
  const details = { status: answer.status, code, faultType: fault?.type, intuitTid: answer.intuitTid };
  const what = `${describeRequest(context)} failed with HTTP ${answer.status}${code ? ` (code ${code})` : ''}: ${summary}`;

  if (isThrottle(answer.status, code, summary)) {
    return new ThrottledError(`${describeRequest(context)} was throttled by Intuit (HTTP ${answer.status}): ${summary}`, {
      ...details,
      retryAfterMs: parseRetryAfter(answer.retryAfterHeader),
      minimumWaitMs: context.throttleWaitMs,
    });
  }
  if (answer.status === 401) return new AccessTokenRejectedError(what, details);
  if (answer.status === 403 || code === AUTHORIZATION_FAILED_CODE) return new AccessForbiddenError(what, details);
  if (answer.status === 408 || answer.status >= 500) return new TransientQuickBooksError(what, details);
  if (answer.status >= 200 && answer.status < 300) {
    return new PermanentQuickBooksError(`${describeRequest(context)} answered HTTP ${answer.status} with a Fault${code ? ` (code ${code})` : ''}: ${summary}`, details);
  }
  return new PermanentQuickBooksError(what, details);
}

/** A success status whose body is not the JSON we expect (a proxy page, a truncated body…). */
export function unreadableSuccess(answer: ApiAnswer, context: RequestContext, reason: string): TransientQuickBooksError {
  return new TransientQuickBooksError(`${describeRequest(context)} answered HTTP ${answer.status} with ${reason}`, {
    status: answer.status,
    intuitTid: answer.intuitTid,
  });
}

const NETWORK_FAILURE = /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ENOTFOUND|UND_ERR|socket hang up|other side closed|terminated|fetch failed|network/i;

/** The chain of `cause`s as text, since undici hides the socket error (ECONNRESET…) in `cause`. */
function errorChainText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof Error) {
      const code = (current as Error & { code?: unknown }).code;
      parts.push(`${current.name}: ${current.message}${typeof code === 'string' ? ` (${code})` : ''}`);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(' ← ');
}

/** Classifies a request that got no answer: our timeout, the caller's cancellation, or a network failure. */
export function classifyNoAnswer(
  error: unknown,
  context: RequestContext,
  reason: { timedOutAfterMs?: number; cancelledByCaller?: boolean },
): QuickBooksError {
  const chain = redactSecrets(errorChainText(error), context.secrets);
  if (reason.timedOutAfterMs !== undefined) {
    return new TransientQuickBooksError(`${describeRequest(context)} timed out after ${reason.timedOutAfterMs} ms`, { code: 'TIMEOUT', cause: error });
  }
  if (reason.cancelledByCaller) {
    return new TransientQuickBooksError(`${describeRequest(context)} was cancelled by the caller`, { code: 'CANCELLED', cause: error });
  }
  if (NETWORK_FAILURE.test(chain)) {
    return new TransientQuickBooksError(`${describeRequest(context)} failed without an answer: ${chain}`, { code: 'NETWORK', cause: error });
  }
  // Something we did not anticipate (a bug of ours, a malformed URL): surface it, don't retry it forever.
  return new PermanentQuickBooksError(`${describeRequest(context)} failed unexpectedly: ${chain}`, { cause: error });
}
