/**
 * Generates a company's past: when each record was created and last changed, over roughly the two years
 * before the company was created. Creation times grow with Id (QuickBooks Ids are sequential); some
 * records were updated later, a few transactions voided or deleted, a few customers and items
 * deactivated; and, as in real books, bulk imports and batch edits leave clusters of records that share
 * one LastUpdatedTime second, so that consumers paging by time must cope with ties.
 */
import { mixSeed, Rng } from '../rng.js';
import { newEntityRecord, type EntityRecord } from './entity-record.js';
import { ENTITY_KINDS, isSalesDocument, QUICKBOOKS_ENTITIES, type QuickBooksEntity } from './entity-kinds.js';

const DAY = 86_400;

export type EntityTotals = Record<QuickBooksEntity, number>;

/** Creation windows, in days before the anchor: name lists exist before the transactions that use them. */
const WINDOWS: Record<QuickBooksEntity, [number, number]> = {
  Item: [765, 30],
  Customer: [760, 1],
  Invoice: [730, 0],
  SalesReceipt: [730, 0],
  CreditMemo: [730, 0],
  RefundReceipt: [730, 0],
  Payment: [725, 0],
};

export function generateHistory(seed: number, totals: EntityTotals, anchor: number): Record<QuickBooksEntity, EntityRecord[]> {
  const rngFor = (entity: QuickBooksEntity) => Rng.fromSeed(mixSeed(seed, 'history', ENTITY_KINDS[entity].ordinal));
  const result = {} as Record<QuickBooksEntity, EntityRecord[]>;
  for (const entity of ['Item', 'Customer'] as const) {
    result[entity] = createRecords(rngFor(entity), totals[entity], WINDOWS[entity], anchor);
  }
  const customerTimes = result.Customer.map((record) => record.createdAt);
  const itemTimes = result.Item.map((record) => record.createdAt);

  for (const entity of QUICKBOOKS_ENTITIES) {
    if (ENTITY_KINDS[entity].nameList) continue;
    const rng = rngFor(entity);
    const records = createRecords(rng, totals[entity], WINDOWS[entity], anchor);
    if (entity === 'Payment') linkPaymentsToInvoices(rng, records, result.Invoice ?? [], anchor);
    for (const record of records) {
      if (record.customerId === 0) record.customerId = 1 + rng.int(Math.max(1, countAtOrBefore(customerTimes, record.createdAt)));
      if (isSalesDocument(entity)) record.itemPool = Math.max(1, countAtOrBefore(itemTimes, record.createdAt));
    }
    result[entity] = records;
  }

  for (const entity of QUICKBOOKS_ENTITIES) {
    const rng = Rng.fromSeed(mixSeed(seed, 'later-changes', ENTITY_KINDS[entity].ordinal));
    applyLaterChanges(rng, result[entity], anchor, ENTITY_KINDS[entity].nameList);
  }
  return result;
}

function createRecords(rng: Rng, count: number, [fromDays, toDays]: [number, number], anchor: number): EntityRecord[] {
  const start = anchor - fromDays * DAY;
  const span = (fromDays - toDays) * DAY;
  const records: EntityRecord[] = new Array<EntityRecord>(count);
  let previous = start;
  let clusterLeft = 0;
  for (let i = 0; i < count; i++) {
    let createdAt: number;
    if (clusterLeft > 0) {
      // A bulk import: several records created in the same second.
      createdAt = previous;
      clusterLeft -= 1;
    } else {
      // Stratified: record i lands in the i-th slice of the window, so times rise with Id without a sort.
      createdAt = i === 0 ? start : Math.max(previous, start + Math.floor(((i + rng.next()) * span) / count));
      if (rng.chance(0.03)) clusterLeft = rng.between(2, 12);
    }
    records[i] = newEntityRecord(i + 1, createdAt);
    previous = createdAt;
  }
  return records;
}

/**
 * Payment k pays invoice ceil(k·N/P): the mapping keeps both in time order, and each invoice is paid at
 * most once. The payment is dated after its invoice (and Ids stay in time order).
 */
function linkPaymentsToInvoices(rng: Rng, payments: EntityRecord[], invoices: EntityRecord[], anchor: number): void {
  if (invoices.length === 0) return;
  let previous = 0;
  payments.forEach((payment, index) => {
    const invoice = invoices[Math.ceil(((index + 1) * invoices.length) / payments.length) - 1];
    if (invoice && invoice.paymentId === 0 && rng.chance(0.85)) {
      invoice.paymentId = payment.id;
      payment.linkedInvoiceId = invoice.id;
      payment.customerId = invoice.customerId;
      payment.createdAt = Math.max(payment.createdAt, invoice.createdAt + rng.int(20 * DAY));
    }
    payment.createdAt = Math.min(anchor, Math.max(payment.createdAt, previous));
    payment.updatedAt = payment.createdAt;
    previous = payment.createdAt;
  });
}

function applyLaterChanges(rng: Rng, records: EntityRecord[], anchor: number, nameList: boolean): void {
  for (const record of records) {
    const roll = rng.next();
    const at = () => Math.max(record.updatedAt, record.createdAt + Math.floor(rng.next() * (anchor - record.createdAt)));
    if (roll < 0.2) {
      const revisions = rng.between(1, 3);
      record.updatedAt = at();
      record.revisions += revisions;
      record.syncToken += revisions;
    }
    const fate = rng.next();
    if (nameList && fate < 0.05) {
      record.updatedAt = at();
      record.inactive = true;
      record.syncToken += 1;
    } else if (!nameList && fate < 0.02) {
      record.updatedAt = at();
      record.voided = true;
      record.syncToken += 1;
    } else if (!nameList && fate < 0.03) {
      record.updatedAt = at();
      record.deleted = true;
      record.syncToken += 1;
    }
  }
  // Batch edits: a few moments when many records were saved in the same second.
  const batches = records.length === 0 ? 0 : Math.max(1, Math.floor(records.length / 400));
  const createdTimes = records.map((record) => record.createdAt);
  for (let batch = 0; batch < batches; batch++) {
    const when = anchor - rng.int(700 * DAY);
    const eligible = countAtOrBefore(createdTimes, when);
    if (eligible === 0) continue;
    const size = rng.between(5, 40);
    for (let i = 0; i < size; i++) {
      const record = records[rng.int(eligible)] as EntityRecord;
      if (record.deleted || record.updatedAt >= when) continue;
      record.updatedAt = when;
      record.revisions += 1;
      record.syncToken += 1;
    }
  }
}

/** How many of the ascending `times` are <= t. */
export function countAtOrBefore(times: readonly number[], t: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((times[mid] as number) <= t) low = mid + 1;
    else high = mid;
  }
  return low;
}
