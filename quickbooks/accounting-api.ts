/**
 * Our client for the QuickBooks Online Accounting API (v3): query, count, change data capture,
 * read-by-id and the company's CompanyInfo. It uses the global fetch rather than intuit-oauth's makeApiCall, whose errors lose the
 * Intuit-Tid and the lowercase 401 fault, and whose JSON parsing turns amounts into floats.
 */
import type { QuickBooksEntity } from '../shared/contract.js';
import type { Logger } from '../shared/logger.js';
import { createExchange, type ExchangeResult } from './accounting-http.js';
import { describeRequest, type RequestContext } from './classify-api-failure.js';
import { PermanentQuickBooksError, TransientQuickBooksError } from './errors.js';
import { decimalText } from './json.js';
import { assertEntity, countQuery, formatDateTime } from './queries.js';
import type { RealmRateLimiter } from './rate-limiter.js';
import type { AccountingResponseEvent, AnswerText, CdcResult, QueryResult, QuickBooksObject } from './types.js';

export const DEFAULT_MINOR_VERSION = 75;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Intuit's ceiling on objects in one CDC response. */
export const CDC_MAX_OBJECTS = 1000;
/** Statements longer than this are POSTed as application/text so the URL stays far below proxy limits. */
const LONG_STATEMENT_CHARS = 2000;

export interface AccountingApiOptions {
  /** `config.intuit.endpoints.accountingApi`: the host, without /v3. */
  baseUrl: string;
  /** Default 75: Intuit serves every request at 75 since August 2025 and ignores lower values. */
  minorVersion?: number;
  /** Per HTTP exchange, not counting the wait for the rate limiter. Default 30 s. */
  requestTimeoutMs?: number;
  limiter?: RealmRateLimiter;
  logger?: Logger;
  /** Metrics hook, called once per HTTP exchange (status 0 when no answer arrived). */
  onResponse?: (event: AccountingResponseEvent) => void;
  /**
   * How long a realm waits after a 429 when Intuit's Retry-After asks for no longer: ThrottledError's
   * `retryAfterMs` and the limiter's pause. Default 60 000 (Intuit's rule); only tests shorten it.
   */
  throttleWaitMs?: number;
}

interface Authorized {
  realmId: string;
  accessToken: string;
  signal?: AbortSignal;
}

export interface AccountingApi {
  query(params: Authorized & { statement: string }): Promise<QueryResult>;
  /** `query`, answered as the body's text (the backfill's pages, stored by Postgres). */
  queryText(params: Authorized & { statement: string }): Promise<AnswerText>;
  /** True when a request for the company would start now, nothing of it waiting (what a prefetch may use). */
  hasSpareBudget(realmId: string): boolean;
  /** `SELECT COUNT(*)`; for name-list entities inactive records are counted too. */
  count(params: Authorized & { entity: QuickBooksEntity; where?: string }): Promise<number>;
  cdc(params: Authorized & { entities: readonly QuickBooksEntity[]; changedSince: Date | string }): Promise<CdcResult>;
  /** `cdc`, answered as the body's text (incremental pulls, stored by Postgres). */
  cdcText(params: Authorized & { entities: readonly QuickBooksEntity[]; changedSince: Date | string }): Promise<AnswerText>;
  read(params: Authorized & { entity: QuickBooksEntity; id: string }): Promise<QuickBooksObject>;
  /**
   * The company's CompanyInfo (`GET /v3/company/{realmId}/companyinfo/{realmId}`). Intuit answers 403
   * (code 3100) when the token's grant is for another company: reading it proves which company a
   * grant reaches.
   */
  companyInfo(params: Authorized): Promise<QuickBooksObject>;
  /** The company's Preferences (`GET /v3/company/{realmId}/preferences`): its home currency is `CurrencyPrefs.HomeCurrency.value`. */
  preferences(params: Authorized): Promise<QuickBooksObject>;
}

type UnknownRecord = Record<string, unknown>;

function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalNumber(value: unknown): number | undefined {
  const text = decimalText(value);
  return text === null ? undefined : Number(text);
}

function assertRealmId(realmId: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(realmId)) throw new PermanentQuickBooksError(`"${realmId}" is not a QuickBooks realm id`);
  return realmId;
}

function assertAccessToken(accessToken: string, context: string): void {
  if (typeof accessToken !== 'string' || accessToken.length === 0) throw new PermanentQuickBooksError(`${context}: no access token given`);
}

export function createAccountingApi(options: AccountingApiOptions): AccountingApi {
  const exchange = createExchange({
    baseUrl: options.baseUrl,
    minorVersion: options.minorVersion ?? DEFAULT_MINOR_VERSION,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    limiter: options.limiter,
    logger: options.logger,
    onResponse: options.onResponse,
  });

  function contextFor(operation: RequestContext['operation'], params: Authorized, entity?: string): RequestContext {
    const context: RequestContext = {
      operation,
      realmId: assertRealmId(params.realmId),
      entity,
      secrets: [params.accessToken],
      throttleWaitMs: options.throttleWaitMs,
    };
    assertAccessToken(params.accessToken, describeRequest(context));
    return context;
  }

  /** Intuit's `time`, else the HTTP Date header: never our own clock, which may disagree with Intuit's. */
  function serverTimeOf(result: ExchangeResult, context: RequestContext, time: unknown = result.body.time): string {
    if (typeof time === 'string' && time !== '') return time;
    const millis = optionalNumber(time);
    if (millis !== undefined) return new Date(millis).toISOString();
    if (result.dateHeader) return new Date(result.dateHeader).toISOString();
    throw new TransientQuickBooksError(`${describeRequest(context)} answered without a server time`, { intuitTid: result.intuitTid });
  }

  function unexpectedShape(context: RequestContext, result: ExchangeResult, what: string): TransientQuickBooksError {
    return new TransientQuickBooksError(`${describeRequest(context)} answered HTTP ${result.status} without ${what}`, { status: result.status, intuitTid: result.intuitTid });
  }

  function answerText(result: ExchangeResult, context: RequestContext): AnswerText {
    return {
      bodyText: result.bodyText,
      intuitTid: result.intuitTid,
      serverTime: (time) => serverTimeOf(result, context, time),
      unexpected: (what) => unexpectedShape(context, result, what),
    };
  }

  function sendQuery(params: Authorized & { statement: string }, asText: boolean): Promise<[ExchangeResult, RequestContext]> {
    const context = contextFor('query', params);
    const statement = params.statement.trim();
    if (statement === '') throw new PermanentQuickBooksError(`${describeRequest(context)}: empty statement`);
    const long = statement.length > LONG_STATEMENT_CHARS;
    return exchange({
      context,
      accessToken: params.accessToken,
      path: 'query',
      search: long ? {} : { query: statement },
      textBody: long ? statement : undefined,
      signal: params.signal,
      asText,
    }).then((result) => [result, context]);
  }

  async function queryText(params: Authorized & { statement: string }): Promise<AnswerText> {
    const [result, context] = await sendQuery(params, true);
    return answerText(result, context);
  }

  async function query(params: Authorized & { statement: string }): Promise<QueryResult> {
    const [result, context] = await sendQuery(params, false);
    const response = result.body.QueryResponse;
    if (!isRecord(response)) throw unexpectedShape(context, result, 'a QueryResponse');
    const entity = Object.keys(response).find((key) => Array.isArray(response[key]));
    const records = entity === undefined ? [] : (response[entity] as unknown[]).filter(isRecord);
    return {
      entity,
      records,
      startPosition: optionalNumber(response.startPosition),
      maxResults: optionalNumber(response.maxResults),
      totalCount: optionalNumber(response.totalCount),
      serverTime: serverTimeOf(result, context),
      intuitTid: result.intuitTid,
    };
  }

  async function count(params: Authorized & { entity: QuickBooksEntity; where?: string }): Promise<number> {
    const statement = countQuery({ entity: params.entity, where: params.where });
    const result = await query({ realmId: params.realmId, accessToken: params.accessToken, statement, signal: params.signal });
    // Intuit omits totalCount from an empty count answer in some recordings; an absent count is zero rows.
    return result.totalCount ?? 0;
  }

  async function sendCdc(params: Authorized & { entities: readonly QuickBooksEntity[]; changedSince: Date | string }, asText: boolean) {
    const entities = [...new Set(params.entities.map((entity) => assertEntity(entity)))];
    const context = contextFor('cdc', params, entities.join(','));
    if (entities.length === 0) throw new PermanentQuickBooksError(`${describeRequest(context)}: no entities given`);
    const result = await exchange({
      context,
      accessToken: params.accessToken,
      path: 'cdc',
      search: { entities: entities.join(','), changedSince: formatDateTime(params.changedSince) },
      signal: params.signal,
      asText,
    });
    return { entities, context, result };
  }

  async function cdcText(params: Authorized & { entities: readonly QuickBooksEntity[]; changedSince: Date | string }): Promise<AnswerText> {
    const { context, result } = await sendCdc(params, true);
    return answerText(result, context);
  }

  async function cdc(params: Authorized & { entities: readonly QuickBooksEntity[]; changedSince: Date | string }): Promise<CdcResult> {
    const { entities, context, result } = await sendCdc(params, false);
    const cdcResponse = result.body.CDCResponse;
    if (!Array.isArray(cdcResponse)) throw unexpectedShape(context, result, 'a CDCResponse');

    const byEntity: Partial<Record<QuickBooksEntity, QuickBooksObject[]>> = {};
    let objectCount = 0;
    for (const element of cdcResponse.filter(isRecord)) {
      const queryResponses = Array.isArray(element.QueryResponse) ? element.QueryResponse : [element.QueryResponse];
      for (const queryResponse of queryResponses.filter(isRecord)) {
        for (const entity of entities) {
          const objects = queryResponse[entity];
          if (!Array.isArray(objects)) continue;
          const records = objects.filter(isRecord);
          byEntity[entity] = [...(byEntity[entity] ?? []), ...records];
          objectCount += records.length;
        }
      }
    }
    return { byEntity, objectCount, mayBeTruncated: objectCount >= CDC_MAX_OBJECTS, serverTime: serverTimeOf(result, context), intuitTid: result.intuitTid };
  }

  async function read(params: Authorized & { entity: QuickBooksEntity; id: string }): Promise<QuickBooksObject> {
    const entity = assertEntity(params.entity);
    const context = contextFor('read', params, `${entity} ${params.id}`);
    if (!/^[A-Za-z0-9-]{1,64}$/.test(params.id)) throw new PermanentQuickBooksError(`${describeRequest(context)}: "${params.id}" is not a QuickBooks id`);
    const result = await exchange({ context, accessToken: params.accessToken, path: `${entity.toLowerCase()}/${encodeURIComponent(params.id)}`, signal: params.signal });
    const object = result.body[entity];
    if (!isRecord(object)) throw unexpectedShape(context, result, `an ${entity} object`);
    return object;
  }

  async function companyInfo(params: Authorized): Promise<QuickBooksObject> {
    const context = contextFor('companyinfo', params);
    const result = await exchange({ context, accessToken: params.accessToken, path: `companyinfo/${encodeURIComponent(context.realmId)}`, signal: params.signal });
    const object = result.body.CompanyInfo;
    if (!isRecord(object)) throw unexpectedShape(context, result, 'a CompanyInfo object');
    return object;
  }

  function hasSpareBudget(realmId: string): boolean {
    if (!options.limiter) return true;
    const stats = options.limiter.stats(realmId);
    return stats.queued === 0 && stats.pausedUntil === null;
  }

  async function preferences(params: Authorized): Promise<QuickBooksObject> {
    const context = contextFor('preferences', params);
    const result = await exchange({ context, accessToken: params.accessToken, path: 'preferences', signal: params.signal });
    const object = result.body.Preferences;
    if (!isRecord(object)) throw unexpectedShape(context, result, 'a Preferences object');
    return object;
  }

  return { query, queryText, hasSpareBudget, count, cdc, cdcText, read, companyInfo, preferences };
}
