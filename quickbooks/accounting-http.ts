/**
 * One HTTP exchange with the Accounting API: waits for the realm's rate-limit turn, sends the request
 * with a timeout, parses the body exactly, reports the metrics event, and turns anything but a usable
 * JSON success into a typed error (logged with its Intuit-Tid, never with the token).
 */
import type { Logger } from '../shared/logger.js';
import {
  classifyApiAnswer,
  classifyNoAnswer,
  describeRequest,
  unreadableSuccess,
  type ApiAnswer,
  type RequestContext,
} from './classify-api-failure.js';
import { QuickBooksError, ThrottledError } from './errors.js';
import { parseJsonExactly } from './json.js';
import type { RealmRateLimiter } from './rate-limiter.js';
import type { AccountingResponseEvent } from './types.js';

export interface ExchangeOptions {
  baseUrl: string;
  minorVersion: number;
  requestTimeoutMs: number;
  limiter: RealmRateLimiter | undefined;
  logger: Logger | undefined;
  onResponse: ((event: AccountingResponseEvent) => void) | undefined;
}

export interface ExchangeRequest {
  context: RequestContext;
  accessToken: string;
  /** Path below /v3/company/{realmId}/, already encoded. */
  path: string;
  search?: Record<string, string>;
  /** A POST body sent as application/text (long query statements). */
  textBody?: string;
  signal?: AbortSignal;
  /**
   * The caller wants the body's text (a page stored by Postgres): a success is not parsed in Node unless it
   * may be a fault; `body` is then empty.
   */
  asText?: boolean;
}

export interface ExchangeResult {
  status: number;
  body: Record<string, unknown>;
  /** The body decoded with the charset its content-type names (UTF-8 when it names none). */
  bodyText: string;
  intuitTid: string | undefined;
  /** The HTTP Date header, a fallback for a body without `time`. */
  dateHeader: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body's text in the charset the content-type names: Intuit answers UTF-8, a proxy may answer latin1. */
export function decodeBody(bytes: ArrayBuffer, contentType: string | null): string {
  const charset = /;\s*charset="?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase() ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** A success body that cannot hold a fault and is an object: the text path may skip parsing it. */
export function isPlainObjectText(text: string): boolean {
  return !text.includes('"Fault"') && !text.includes('"fault"') && /^\s*\{/.test(text.slice(0, 64));
}

/** Encodes with %20 for spaces (not `+`), which every server decodes the same way. */
function queryString(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
}

export function createExchange(options: ExchangeOptions): (request: ExchangeRequest) => Promise<ExchangeResult> {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  function report(context: RequestContext, status: number, startedAt: number, intuitTid: string | undefined): void {
    if (!options.onResponse) return;
    try {
      options.onResponse({ operation: context.operation, realmId: context.realmId, status, durationMs: Date.now() - startedAt, intuitTid });
    } catch (error) {
      options.logger?.warn({ err: error }, 'QuickBooks onResponse hook threw; ignoring');
    }
  }

  async function send(request: ExchangeRequest): Promise<ExchangeResult> {
    const { context } = request;
    const search = queryString({ ...request.search, minorversion: String(options.minorVersion) });
    const url = `${baseUrl}/v3/company/${encodeURIComponent(context.realmId)}/${request.path}?${search}`;
    const timeout = AbortSignal.timeout(options.requestTimeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const headers: Record<string, string> = { Authorization: `Bearer ${request.accessToken}`, Accept: 'application/json' };
    if (request.textBody !== undefined) headers['Content-Type'] = 'application/text';
    const startedAt = Date.now();

    let response: Response;
    let bodyText: string;
    try {
      response = await fetch(url, {
        method: request.textBody === undefined ? 'GET' : 'POST',
        headers,
        body: request.textBody,
        signal,
      });
      bodyText = decodeBody(await response.arrayBuffer(), response.headers.get('content-type'));
    } catch (error) {
      report(context, 0, startedAt, undefined);
      throw classifyNoAnswer(error, context, {
        cancelledByCaller: request.signal?.aborted === true,
        timedOutAfterMs: timeout.aborted && request.signal?.aborted !== true ? options.requestTimeoutMs : undefined,
      });
    }

    const intuitTid = response.headers.get('intuit-tid') ?? response.headers.get('intuit_tid') ?? undefined;
    report(context, response.status, startedAt, intuitTid);
    const success = response.status >= 200 && response.status < 300;
    const dateHeader = response.headers.get('date');
    if (request.asText && success && isPlainObjectText(bodyText)) return { status: response.status, body: {}, bodyText, intuitTid, dateHeader };

    let body: unknown;
    try {
      body = bodyText === '' ? undefined : parseJsonExactly(bodyText);
    } catch {
      body = undefined;
    }
    const answer: ApiAnswer = { status: response.status, body, bodyText, intuitTid, retryAfterHeader: response.headers.get('retry-after') };
    if (!success || (isRecord(body) && (body.Fault !== undefined || body.fault !== undefined))) {
      throw classifyApiAnswer(answer, context);
    }
    if (!isRecord(body)) throw unreadableSuccess(answer, context, body === undefined ? 'a body that is not JSON' : 'a JSON body that is not an object');
    return { status: response.status, body, bodyText, intuitTid, dateHeader };
  }

  return async function exchange(request: ExchangeRequest): Promise<ExchangeResult> {
    const { context } = request;
    try {
      const result = options.limiter
        ? await options.limiter.schedule(context.realmId, () => send(request), { signal: request.signal })
        : await send(request);
      options.logger?.debug({ operation: context.operation, realmId: context.realmId, entity: context.entity, status: result.status, intuitTid: result.intuitTid }, `${describeRequest(context)} succeeded`);
      return result;
    } catch (error) {
      const typed = error instanceof QuickBooksError ? error : classifyNoAnswer(error, context, {});
      if (typed instanceof ThrottledError) options.limiter?.pause(context.realmId, typed.retryAfterMs);
      options.logger?.warn({ operation: context.operation, realmId: context.realmId, entity: context.entity, ...typed.toLogFields() }, `${describeRequest(context)} failed`);
      throw typed;
    }
  };
}
