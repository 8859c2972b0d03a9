/** Shapes the Accounting API client returns. */
import type { QuickBooksEntity } from '../shared/contract.js';

/**
 * One QuickBooks object as Intuit sent it, parsed exactly: numbers whose text would not survive a JS
 * number are `LosslessNumber`s (see json.ts). Use `decimalText` for amounts and `stringifyRaw` to store it.
 */
export type QuickBooksObject = { [field: string]: unknown };

export interface QueryResult {
  /** The entity key Intuit answered with (`Invoice`…); undefined for an empty page or a count. */
  entity: string | undefined;
  records: QuickBooksObject[];
  startPosition?: number;
  maxResults?: number;
  /** Present for `SELECT COUNT(*)` statements. */
  totalCount?: number;
  /** Intuit's `time` field: the server's clock when it answered. */
  serverTime: string;
  intuitTid?: string;
}

export interface CdcResult {
  /** Changed objects per entity, deleted stubs (`status: "Deleted"`) included. */
  byEntity: Partial<Record<QuickBooksEntity, QuickBooksObject[]>>;
  objectCount: number;
  /**
   * Intuit returns at most 1,000 objects per CDC response. At that size some changes may be missing:
   * re-ask one entity at a time, or page through them with a query.
   */
  mayBeTruncated: boolean;
  serverTime: string;
  intuitTid?: string;
}

/**
 * An answer kept as the text QuickBooks sent (a query page or a CDC answer), for Postgres to unpack
 * (db/queries/record-pages.ts): Node never parses it on the hot path.
 */
export interface AnswerText {
  bodyText: string;
  intuitTid?: string;
  /** The server time of the answer, from its `time` field as Postgres read it, else the HTTP Date header. */
  serverTime(time: unknown): string;
  /** The typed error for an answer whose shape is not what was asked for (`what` it lacks). */
  unexpected(what: string): Error;
}

/** The metrics hook's event, one per HTTP exchange (status 0 when no answer arrived). */
export interface AccountingResponseEvent {
  operation: 'query' | 'cdc' | 'read' | 'companyinfo' | 'preferences';
  realmId: string;
  status: number;
  durationMs: number;
  intuitTid?: string;
}
