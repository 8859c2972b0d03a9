/**
 * Invoices, sales receipts, credit memos and refund receipts: item lines, a subtotal line, sales tax and
 * totals that add up to the cent. Voiding zeroes the amounts and notes "Voided", as QuickBooks does.
 */
import { companyDate } from '../company-time.js';
import type { EntityRecord } from '../company/entity-record.js';
import type { SalesDocumentEntity } from '../company/entity-kinds.js';
import type { CompanyContext } from './company-context.js';
import { recordRng } from '../rng.js';
import { editNote, metaData, USD, type JsonObject } from './common-fields.js';
import { amount, taxCents, unitPrice } from './money.js';
import type { ItemProfile } from './profiles.js';
import { CUSTOMER_MEMOS, PAYMENT_METHODS } from './word-lists.js';

interface DocumentLine {
  itemId: number;
  item: ItemProfile;
  qty: number;
  unitPriceCents: number;
  amountCents: number;
  taxable: boolean;
}

export interface DocumentMoney {
  lines: DocumentLine[];
  subtotalCents: number;
  taxableCents: number;
  taxCents: number;
  totalCents: number;
}

const TERMS: readonly (readonly [string, number])[] = [['1', 0], ['2', 15], ['3', 30], ['3', 30], ['4', 60]];
const DOC_NUMBER_BASE: Record<SalesDocumentEntity, number> = { Invoice: 1000, SalesReceipt: 5000, CreditMemo: 8000, RefundReceipt: 9000 };

/** The document's lines and totals as created: fixed for life (edits and voids are applied on top). */
export function documentMoney(context: CompanyContext, entity: SalesDocumentEntity, record: EntityRecord): DocumentMoney {
  const rng = recordRng(context.seed, `lines-${entity}`, record.id);
  const small = entity === 'CreditMemo' || entity === 'RefundReceipt';
  const lineCount = small ? rng.between(1, 2) : rng.pick([1, 1, 2, 2, 3, 3, 4, 5]);
  const customerTaxable = context.customer(record.customerId).taxable;
  const lines: DocumentLine[] = [];
  for (let i = 0; i < lineCount; i++) {
    const itemId = 1 + rng.int(Math.max(1, record.itemPool));
    const item = context.item(itemId);
    const qty = small ? rng.between(1, 2) : item.type === 'Service' ? rng.between(1, 8) : rng.between(1, 12);
    lines.push({ itemId, item, qty, unitPriceCents: item.unitPriceCents, amountCents: qty * item.unitPriceCents, taxable: item.taxable && customerTaxable });
  }
  const subtotalCents = lines.reduce((sum, line) => sum + line.amountCents, 0);
  const taxableCents = lines.reduce((sum, line) => sum + (line.taxable ? line.amountCents : 0), 0);
  const tax = taxCents(taxableCents, context.taxRate.basisPoints);
  return { lines, subtotalCents, taxableCents, taxCents: tax, totalCents: subtotalCents + tax };
}

/** What a payment applies to an invoice: usually the whole total, sometimes part of it. */
export function paymentAmountCents(context: CompanyContext, paymentId: number, invoiceTotalCents: number): number {
  const rng = recordRng(context.seed, 'payment-amount', paymentId);
  if (rng.chance(0.75)) return invoiceTotalCents;
  return Math.round((invoiceTotalCents * rng.between(30, 90)) / 100);
}

export function salesDocumentBody(context: CompanyContext, entity: SalesDocumentEntity, record: EntityRecord): JsonObject {
  const money = documentMoney(context, entity, record);
  const rng = recordRng(context.seed, `doc-${entity}`, record.id);
  const customer = context.customer(record.customerId);
  const voided = record.voided;
  const memoIndex = rng.int(CUSTOMER_MEMOS.length);

  const lines: JsonObject[] = money.lines.map((line, index) => ({
    Id: String(index + 1),
    LineNum: index + 1,
    Description: line.item.description,
    Amount: voided ? 0 : amount(line.amountCents),
    DetailType: 'SalesItemLineDetail',
    SalesItemLineDetail: {
      ItemRef: { value: String(line.itemId), name: line.item.name },
      UnitPrice: unitPrice(line.unitPriceCents),
      Qty: voided ? 0 : line.qty,
      ItemAccountRef: line.item.type === 'Service' ? { value: '1', name: 'Services' } : { value: '79', name: 'Sales of Product Income' },
      TaxCodeRef: { value: line.taxable ? 'TAX' : 'NON' },
    },
  }));
  lines.push({ Amount: voided ? 0 : amount(money.subtotalCents), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} });

  const totalCents = voided ? 0 : money.totalCents;
  const isInvoice = entity === 'Invoice';
  const paidWith = entity === 'SalesReceipt' || entity === 'RefundReceipt' ? rng.pick(PAYMENT_METHODS) : undefined;
  const terms = isInvoice ? rng.pick(TERMS) : undefined;
  const printStatus = rng.chance(0.5) ? 'NeedToPrint' : 'NotSet';
  const paidCents = isInvoice && record.paymentId > 0 ? paymentAmountCents(context, record.paymentId, money.totalCents) : 0;
  const remainingCredit = entity === 'CreditMemo' ? (voided ? 0 : rng.chance(0.6) ? totalCents : Math.round(totalCents / 2)) : 0;
  const balanceCents = isInvoice ? (voided ? 0 : money.totalCents - paidCents) : remainingCredit;

  // One object literal with every field in a fixed order (absent ones undefined, which JSON omits):
  // a stable object shape keeps building thousands of these per page cheap.
  return {
    domain: 'QBO',
    sparse: false,
    Id: String(record.id),
    SyncToken: String(record.syncToken),
    MetaData: metaData(record),
    DocNumber: String(DOC_NUMBER_BASE[entity] + record.id),
    TxnDate: companyDate(record.createdAt * 1000),
    CurrencyRef: USD,
    PrivateNote: voided ? 'Voided' : record.revisions > 0 ? editNote(record.revisions) : undefined,
    LinkedTxn: isInvoice ? (record.paymentId > 0 ? [{ TxnId: String(record.paymentId), TxnType: 'Payment' }] : []) : undefined,
    Line: lines,
    TxnTaxDetail: taxDetail(context, money, voided),
    CustomerRef: { value: String(record.customerId), name: customer.displayName },
    CustomerMemo: { value: CUSTOMER_MEMOS[(memoIndex + record.revisions) % CUSTOMER_MEMOS.length] },
    BillAddr: customer.billAddr,
    ShipAddr: customer.shipAddr,
    SalesTermRef: terms ? { value: terms[0] } : undefined,
    // An edit is visible on an invoice: each one pushes the due date out by a week.
    DueDate: terms ? companyDate(record.createdAt * 1000, terms[1] + 7 * record.revisions) : undefined,
    TotalAmt: amount(totalCents),
    ApplyTaxAfterDiscount: false,
    PrintStatus: printStatus,
    EmailStatus: record.revisions > 0 ? 'EmailSent' : 'NotSet',
    BillEmail: { Address: customer.email },
    Balance: amount(balanceCents),
    RemainingCredit: entity === 'CreditMemo' ? amount(remainingCredit) : undefined,
    PaymentMethodRef: paidWith ? { value: paidWith[0], name: paidWith[1] } : undefined,
    PaymentRefNum: paidWith ? String(rng.between(1000, 99999)) : undefined,
    DepositToAccountRef: entity === 'SalesReceipt' ? UNDEPOSITED_FUNDS : entity === 'RefundReceipt' ? CHECKING : undefined,
    AllowOnlineCreditCardPayment: isInvoice ? false : undefined,
    AllowOnlineACHPayment: isInvoice ? false : undefined,
  };
}

const UNDEPOSITED_FUNDS = Object.freeze({ value: '4', name: 'Undeposited Funds' });
const CHECKING = Object.freeze({ value: '35', name: 'Checking' });

function taxDetail(context: CompanyContext, money: DocumentMoney, voided: boolean): JsonObject {
  if (money.taxableCents === 0) return { TotalTax: 0 };
  return {
    TxnTaxCodeRef: { value: '2' },
    TotalTax: voided ? 0 : amount(money.taxCents),
    TaxLine: [
      {
        Amount: voided ? 0 : amount(money.taxCents),
        DetailType: 'TaxLineDetail',
        TaxLineDetail: {
          TaxRateRef: { value: context.taxRate.ref },
          PercentBased: true,
          TaxPercent: context.taxRate.basisPoints / 100,
          NetAmountTaxable: voided ? 0 : amount(money.taxableCents),
        },
      },
    ],
  };
}
