import { z } from '@hono/zod-openapi';
import type { ListedRecord } from '../../db/queries/records.js';
import { parseJsonExactly } from '../../quickbooks/json.js';
import { QUICKBOOKS_ENTITIES } from '../../shared/contract.js';

const addressLine = z.string().nullable().optional();
const AddressSchema = z
  .object({ line1: addressLine, line2: addressLine, city: addressLine, region: addressLine, postalCode: addressLine, country: addressLine })
  .openapi('PostalAddress');

export const RecordSchema = z
  .object({
    entity: z.enum(QUICKBOOKS_ENTITIES),
    id: z.string().openapi({ description: 'QuickBooks Id' }),
    syncToken: z.string().nullable().openapi({ description: 'QuickBooks SyncToken; null only for an object first seen deleted' }),
    deleted: z.boolean(),
    lastUpdatedTime: z.string(),
    docNumber: z.string().nullable(),
    txnDate: z.string().nullable(),
    totalAmount: z.string().nullable().openapi({ description: 'Exact decimal, as a string' }),
    totalTax: z.string().nullable(),
    balance: z.string().nullable(),
    currency: z.string().nullable(),
    customerId: z.string().nullable(),
    customerName: z.string().nullable(),
    billAddress: AddressSchema.nullable(),
    shipAddress: AddressSchema.nullable(),
    active: z.boolean().nullable(),
    raw: z.record(z.string(), z.unknown()).openapi({ description: 'The object exactly as QuickBooks sent it' }),
  })
  .openapi('Record');

export type RecordView = z.infer<typeof RecordSchema>;

/** The record as the API shows it; `raw` keeps QuickBooks' number text (write it with `stringifyRaw`). */
export function toRecordView(record: ListedRecord): RecordView {
  return {
    entity: record.entity,
    id: record.qboId,
    syncToken: record.syncToken === null ? null : String(record.syncToken),
    deleted: record.deleted,
    lastUpdatedTime: record.lastUpdatedTime.toISOString(),
    docNumber: record.docNumber,
    txnDate: record.txnDate,
    totalAmount: record.totalAmount,
    totalTax: record.totalTax,
    balance: record.balance,
    currency: record.currency,
    customerId: record.customerId,
    customerName: record.customerName,
    billAddress: record.billAddress,
    shipAddress: record.shipAddress,
    active: record.active,
    raw: parseJsonExactly(record.rawJson) as Record<string, unknown>,
  };
}
