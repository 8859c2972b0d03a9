/**
 * Reduces a QuickBooks object to the columns a sales-tax product queries, next to its exact raw JSON.
 * The sync itself stores pages in Postgres (`store_record_page`, db/queries/record-pages.ts), which
 * applies these same rules in SQL; this is their reference in TypeScript, held equal to the SQL by
 * test/db/store-record-page.test.ts, and what tools that write single records use.
 *
 * Versions: the storage layer keeps, per (entity, qboId), the newest version ordered by
 * (lastUpdatedTime, deleted, syncToken). A deleted stub from CDC carries no SyncToken, so its
 * `syncToken` is null: inventing -1 (or 0) would claim a version QuickBooks never had and could sort a
 * stub below the live version it deletes when both share a LastUpdatedTime. A stub wins such a tie
 * through `deleted`, which ranks before syncToken.
 */
import { isQuickBooksEntity, NAME_LIST_ENTITIES, type QuickBooksEntity } from '../shared/contract.js';
import { NormalizationError } from './errors.js';
import { decimalText, stringifyRaw } from './json.js';
import type { PostalAddress, RecordVersion } from '../shared/records.js';
import type { QuickBooksObject } from './types.js';

/** What `normalizeRecord` returns: a storable version (see shared/records.ts). */
export type NormalizedRecord = RecordVersion;

type UnknownRecord = Record<string, unknown>;

function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function reject(entity: string, id: unknown, problem: string): NormalizationError {
  const which = typeof id === 'string' ? ` ${id}` : '';
  return new NormalizationError(`Cannot store QuickBooks ${entity}${which}: ${problem}`);
}

function amount(entity: string, id: string, name: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const text = decimalText(value);
  if (text === null) throw reject(entity, id, `${name} is not a number`);
  return text;
}

function address(value: unknown): PostalAddress | null {
  if (!isRecord(value)) return null;
  const result: PostalAddress = {
    line1: optionalString(value.Line1),
    line2: optionalString(value.Line2),
    city: optionalString(value.City),
    region: optionalString(value.CountrySubDivisionCode),
    postalCode: optionalString(value.PostalCode),
    country: optionalString(value.Country),
  };
  return Object.values(result).some((part) => part !== null) ? result : null;
}

function syncTokenOf(entity: string, id: string, value: unknown): number {
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : decimalText(value);
  if (text === null || !/^\d+$/.test(text)) throw reject(entity, id, 'SyncToken is missing or not an integer');
  return Number.parseInt(text, 10);
}

function lastUpdatedTimeOf(entity: string, id: string, metaData: unknown): Date {
  const text = isRecord(metaData) ? metaData.LastUpdatedTime : undefined;
  if (typeof text !== 'string') throw reject(entity, id, 'MetaData.LastUpdatedTime is missing');
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw reject(entity, id, `MetaData.LastUpdatedTime "${text}" is not a date-time`);
  return date;
}

export function isDeletedStub(obj: QuickBooksObject): boolean {
  return obj.status === 'Deleted';
}

export function normalizeRecord(entity: QuickBooksEntity, obj: QuickBooksObject): NormalizedRecord {
  if (!isQuickBooksEntity(entity)) throw reject(String(entity), undefined, 'not a synced entity');
  if (!isRecord(obj)) throw reject(entity, undefined, 'not an object');
  const id = obj.Id;
  if (typeof id !== 'string' || id === '') throw reject(entity, undefined, 'Id is missing');
  const lastUpdatedTime = lastUpdatedTimeOf(entity, id, obj.MetaData);
  const deleted = isDeletedStub(obj);
  const rawJson = stringifyRaw(obj);

  if (deleted) {
    return {
      entity, qboId: id, syncToken: obj.SyncToken === undefined ? null : syncTokenOf(entity, id, obj.SyncToken), lastUpdatedTime, deleted, rawJson,
      docNumber: null, txnDate: null, currency: null, totalAmount: null, totalTax: null, balance: null,
      customerId: null, customerName: null, billAddress: null, shipAddress: null, active: null,
    };
  }

  const isNameList = NAME_LIST_ENTITIES.includes(entity);
  const customerRef = isRecord(obj.CustomerRef) ? obj.CustomerRef : undefined;
  const txnDate = optionalString(obj.TxnDate);
  if (txnDate !== null && !/^\d{4}-\d{2}-\d{2}$/.test(txnDate)) throw reject(entity, id, `TxnDate "${txnDate}" is not YYYY-MM-DD`);
  const taxDetail = isRecord(obj.TxnTaxDetail) ? obj.TxnTaxDetail : undefined;

  return {
    entity,
    qboId: id,
    syncToken: syncTokenOf(entity, id, obj.SyncToken),
    lastUpdatedTime,
    deleted: false,
    rawJson,
    docNumber: optionalString(obj.DocNumber),
    txnDate,
    currency: isRecord(obj.CurrencyRef) ? optionalString(obj.CurrencyRef.value) : null,
    totalAmount: amount(entity, id, 'TotalAmt', obj.TotalAmt),
    totalTax: amount(entity, id, 'TxnTaxDetail.TotalTax', taxDetail?.TotalTax),
    balance: amount(entity, id, 'Balance', obj.Balance),
    customerId: entity === 'Customer' ? id : optionalString(customerRef?.value),
    customerName: entity === 'Customer' ? optionalString(obj.DisplayName) : optionalString(customerRef?.name),
    billAddress: address(obj.BillAddr),
    shipAddress: address(obj.ShipAddr),
    active: isNameList ? obj.Active !== false : null,
  };
}
