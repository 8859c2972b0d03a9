/**
 * What the simulator stores per QuickBooks object: identity, versioning and a few facts fixed at
 * creation. The full JSON body is not stored; it is rebuilt on demand from the company seed and these
 * fields (see ../data/materialize.ts), which keeps a 100,000-record company small and fast to create.
 * A body therefore changes only when this record changes, and every such change bumps `syncToken`.
 */
export interface EntityRecord {
  /** QuickBooks Ids are sequential per entity, starting at 1. */
  id: number;
  syncToken: number;
  /** Epoch seconds (QuickBooks MetaData times have second precision). */
  createdAt: number;
  updatedAt: number;
  /** How many content updates the record has had (each changes something visible). */
  revisions: number;
  voided: boolean;
  /** Transactions only: gone from query and read, a stub in CDC. */
  deleted: boolean;
  /** Name-list only: deactivated ("deleted" in the QuickBooks UI). */
  inactive: boolean;
  /** Transactions: the customer. */
  customerId: number;
  /** Sales documents: how many items existed when the document was created (its lines pick among them). */
  itemPool: number;
  /** Payments: the invoice it pays, 0 when unapplied. */
  linkedInvoiceId: number;
  /** Invoices: the payment applied to it at creation of the history, 0 when open. */
  paymentId: number;
}

export function newEntityRecord(id: number, createdAt: number): EntityRecord {
  return {
    id,
    syncToken: 0,
    createdAt,
    updatedAt: createdAt,
    revisions: 0,
    voided: false,
    deleted: false,
    inactive: false,
    customerId: 0,
    itemPool: 0,
    linkedInvoiceId: 0,
    paymentId: 0,
  };
}
