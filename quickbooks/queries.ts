/**
 * Builders for QuickBooks query-language statements. Every value that enters a statement is either
 * validated against a closed set (entity names), validated as an integer, or produced by us from a
 * Date, so nothing a caller passes can change the statement's shape.
 */
import { isQuickBooksEntity, NAME_LIST_ENTITIES, type QuickBooksEntity } from '../shared/contract.js';
import { PermanentQuickBooksError } from './errors.js';

/** Intuit's page size ceiling for MAXRESULTS. */
export const MAX_QUERY_RESULTS = 1000;

function invalid(message: string): PermanentQuickBooksError {
  return new PermanentQuickBooksError(`Refusing to build a QuickBooks query: ${message}`);
}

export function assertEntity(entity: string): QuickBooksEntity {
  if (!isQuickBooksEntity(entity)) throw invalid(`"${entity}" is not a synced QuickBooks entity`);
  return entity;
}

/**
 * A date-time as Intuit accepts it in queries and in CDC's `changedSince`: `2024-01-31T17:05:09Z`.
 * QuickBooks timestamps have whole seconds, so a cursor taken from `MetaData.LastUpdatedTime` loses
 * nothing; any milliseconds are dropped (rounded down), which can only widen a `>=` filter or a
 * change window, never skip a record.
 */
export function formatDateTime(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}/.test(value)) throw invalid(`"${value}" is not an ISO-8601 date-time`);
  if (Number.isNaN(date.getTime())) throw invalid(`"${String(value)}" is not a date-time`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `formatDateTime` as a quoted query literal. */
export function dateTimeLiteral(value: Date | string): string {
  return `'${formatDateTime(value)}'`;
}

/** A quoted string literal: single quotes, with backslashes and quotes escaped. */
export function stringLiteral(value: string): string {
  if ([...value].some((char) => char.charCodeAt(0) < 0x20)) throw invalid('a string literal contains a control character');
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function positiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) throw invalid(`${name} must be an integer between 1 and ${max}, got ${value}`);
  return value;
}

/**
 * Name-list entities (Customer, Item) are never deleted, only deactivated, and Intuit's query leaves
 * inactive ones out unless asked: without this clause a deactivated customer is never seen again.
 */
export function activeClause(entity: QuickBooksEntity): string | undefined {
  return NAME_LIST_ENTITIES.includes(entity) ? 'Active IN (true, false)' : undefined;
}

/**
 * The WHERE condition (without `WHERE`) for records changed at or after `since` and, for one segment of
 * a split entity, before `before` (exclusive).
 */
export function changedSinceCondition(params: { entity: QuickBooksEntity; since: Date | string; before?: Date | string | undefined }): string {
  const entity = assertEntity(params.entity);
  const upper = params.before === undefined ? undefined : `MetaData.LastUpdatedTime < ${dateTimeLiteral(params.before)}`;
  return [`MetaData.LastUpdatedTime >= ${dateTimeLiteral(params.since)}`, upper, activeClause(entity)].filter(Boolean).join(' AND ');
}

/**
 * `SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime >= '…' [AND MetaData.LastUpdatedTime < '…']
 * ORDERBY MetaData.LastUpdatedTime STARTPOSITION n MAXRESULTS m`. STARTPOSITION is 1-based.
 */
export function changedSinceQuery(params: {
  entity: QuickBooksEntity;
  since: Date | string;
  /** Exclusive upper bound on MetaData.LastUpdatedTime (a segment of a split entity). */
  before?: Date | string | undefined;
  startPosition?: number;
  maxResults?: number;
}): string {
  const entity = assertEntity(params.entity);
  const startPosition = positiveInteger('startPosition', params.startPosition ?? 1);
  const maxResults = positiveInteger('maxResults', params.maxResults ?? MAX_QUERY_RESULTS, MAX_QUERY_RESULTS);
  return (
    `SELECT * FROM ${entity} WHERE ${changedSinceCondition({ entity, since: params.since, before: params.before })}` +
    ` ORDERBY MetaData.LastUpdatedTime STARTPOSITION ${startPosition} MAXRESULTS ${maxResults}`
  );
}

/**
 * `SELECT COUNT(*) FROM Entity WHERE …`. For name-list entities the count includes inactive records,
 * so that it matches what `changedSinceQuery` pages through. `where` is a condition built with the
 * helpers above, never text from a user.
 */
export function countQuery(params: { entity: QuickBooksEntity; where?: string }): string {
  const entity = assertEntity(params.entity);
  const where = params.where?.trim() ?? '';
  if (/[;\n\r]|\b(?:ORDERBY|STARTPOSITION|MAXRESULTS|SELECT|FROM)\b/i.test(where)) {
    throw invalid('a WHERE condition may not contain another clause');
  }
  const active = activeClause(entity);
  const conditions = [where, active && !where.includes(active) ? active : ''].filter(Boolean);
  return `SELECT COUNT(*) FROM ${entity}${conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
}
