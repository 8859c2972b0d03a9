/** What the simulator needs to know about each QuickBooks entity it serves. */
import { QUICKBOOKS_ENTITIES, type QuickBooksEntity } from '../../../shared/contract.js';

export { QUICKBOOKS_ENTITIES, type QuickBooksEntity };

export interface EntityKind {
  name: QuickBooksEntity;
  /** Customers and items are never deleted in QuickBooks, only deactivated. */
  nameList: boolean;
  /** The lower-case path segment of `GET /v3/company/:realmId/:entity/:id`. */
  pathSegment: string;
  /** The key in `POST /__simulator/companies` counts. */
  countKey: 'customers' | 'items' | 'invoices' | 'salesReceipts' | 'creditMemos' | 'refundReceipts' | 'payments';
  defaultCount: number;
  /** Index used to derive per-entity seeds; stable forever. */
  ordinal: number;
}

export const ENTITY_KINDS: Record<QuickBooksEntity, EntityKind> = {
  Customer: { name: 'Customer', nameList: true, pathSegment: 'customer', countKey: 'customers', defaultCount: 25, ordinal: 0 },
  Item: { name: 'Item', nameList: true, pathSegment: 'item', countKey: 'items', defaultCount: 15, ordinal: 1 },
  Invoice: { name: 'Invoice', nameList: false, pathSegment: 'invoice', countKey: 'invoices', defaultCount: 60, ordinal: 2 },
  SalesReceipt: { name: 'SalesReceipt', nameList: false, pathSegment: 'salesreceipt', countKey: 'salesReceipts', defaultCount: 20, ordinal: 3 },
  CreditMemo: { name: 'CreditMemo', nameList: false, pathSegment: 'creditmemo', countKey: 'creditMemos', defaultCount: 6, ordinal: 4 },
  RefundReceipt: { name: 'RefundReceipt', nameList: false, pathSegment: 'refundreceipt', countKey: 'refundReceipts', defaultCount: 4, ordinal: 5 },
  Payment: { name: 'Payment', nameList: false, pathSegment: 'payment', countKey: 'payments', defaultCount: 30, ordinal: 6 },
};

const BY_LOWER_NAME = new Map(QUICKBOOKS_ENTITIES.map((name) => [name.toLowerCase(), name]));

/** Case-insensitive entity lookup (`invoice`, `Invoice`, `INVOICE`); undefined for entities the simulator doesn't serve. */
export function entityByName(name: string): QuickBooksEntity | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}

export type SalesDocumentEntity = 'Invoice' | 'SalesReceipt' | 'CreditMemo' | 'RefundReceipt';
export const SALES_DOCUMENT_ENTITIES: readonly SalesDocumentEntity[] = ['Invoice', 'SalesReceipt', 'CreditMemo', 'RefundReceipt'];

export function isSalesDocument(entity: QuickBooksEntity): entity is SalesDocumentEntity {
  return (SALES_DOCUMENT_ENTITIES as readonly string[]).includes(entity);
}
