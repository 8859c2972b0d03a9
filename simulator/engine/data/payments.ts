/** Customer payments: applied to one invoice (history) or unapplied (payments created through the control API). */
import { companyDate } from '../company-time.js';
import type { EntityRecord } from '../company/entity-record.js';
import type { CompanyContext } from './company-context.js';
import { recordRng } from '../rng.js';
import { editNote, metaData, USD, type JsonObject } from './common-fields.js';
import { amount } from './money.js';
import { documentMoney, paymentAmountCents } from './sales-documents.js';
import { PAYMENT_METHODS } from './word-lists.js';

export function paymentBody(context: CompanyContext, record: EntityRecord): JsonObject {
  const rng = recordRng(context.seed, 'payment', record.id);
  const customer = context.customer(record.customerId);
  const invoice = record.linkedInvoiceId > 0 ? context.stores.Invoice.get(record.linkedInvoiceId) : undefined;
  const appliedCents = invoice ? paymentAmountCents(context, record.id, documentMoney(context, 'Invoice', invoice).totalCents) : 0;
  const totalCents = invoice ? appliedCents : rng.between(2_000, 200_000);
  const voided = record.voided;
  const [methodRef, methodName] = rng.pick(PAYMENT_METHODS);
  const refNumber = String(rng.between(100, 99999));

  return {
    domain: 'QBO',
    sparse: false,
    Id: String(record.id),
    SyncToken: String(record.syncToken),
    MetaData: metaData(record),
    TxnDate: companyDate(record.createdAt * 1000),
    CurrencyRef: USD,
    CustomerRef: { value: String(record.customerId), name: customer.displayName },
    DepositToAccountRef: { value: '4', name: 'Undeposited Funds' },
    PaymentMethodRef: { value: methodRef, name: methodName },
    // An edit is visible in the reference number.
    PaymentRefNum: record.revisions > 0 ? `${refNumber}-${record.revisions}` : refNumber,
    TotalAmt: voided ? 0 : amount(totalCents),
    UnappliedAmt: voided || invoice ? 0 : amount(totalCents),
    ProcessPayment: false,
    Line: invoice
      ? [{ Amount: voided ? 0 : amount(appliedCents), LinkedTxn: [{ TxnId: String(invoice.id), TxnType: 'Invoice' }] }]
      : [],
    PrivateNote: voided ? 'Voided' : record.revisions > 0 ? editNote(record.revisions) : undefined,
  };
}
