/**
 * One version of a QuickBooks object as the product stores it: produced by quickbooks/normalize.ts from
 * what Intuit sent, written by db/queries/records.ts. Amounts are exact decimal text, never floats.
 */
import type { QuickBooksEntity } from './contract.js';

export interface PostalAddress {
  line1: string | null;
  line2: string | null;
  city: string | null;
  /** `CountrySubDivisionCode`: the state or province. */
  region: string | null;
  postalCode: string | null;
  /** ISO-3 since Intuit's 2025 address change; older records may hold a name. */
  country: string | null;
}

export interface RecordVersion {
  entity: QuickBooksEntity;
  /** QuickBooks `Id` (a string, unique per entity within a realm). */
  qboId: string;
  /** QuickBooks `SyncToken` as a number; null for a deleted stub, which has none (see quickbooks/normalize.ts). */
  syncToken: number | null;
  lastUpdatedTime: Date;
  deleted: boolean;
  /** The object exactly as Intuit sent it (amounts keep their text), for a jsonb column. */
  rawJson: string;
  docNumber: string | null;
  /** 'YYYY-MM-DD' as QuickBooks gives it (a calendar date, no time zone). */
  txnDate: string | null;
  /** `CurrencyRef.value`, e.g. "USD". */
  currency: string | null;
  /** Exact decimal text ("1234.50"), never a float. */
  totalAmount: string | null;
  totalTax: string | null;
  balance: string | null;
  /** For transactions `CustomerRef`; for a Customer its own Id and DisplayName. */
  customerId: string | null;
  customerName: string | null;
  billAddress: PostalAddress | null;
  shipAddress: PostalAddress | null;
  /** `Active` for name-list entities (Customer, Item); null for transactions. */
  active: boolean | null;
}
