/**
 * Customers and items. QuickBooks never deletes them: a "delete" deactivates the record, appending
 * " (deleted)" to its name, and queries hide it unless they ask about `Active`.
 */
import type { QuickBooksEntity } from '../company/entity-kinds.js';
import type { EntityRecord } from '../company/entity-record.js';
import type { CompanyContext } from './company-context.js';
import { recordRng } from '../rng.js';
import { editNote, metaData, USD, type JsonObject } from './common-fields.js';
import { amount, unitPrice } from './money.js';

const DELETED_SUFFIX = ' (deleted)';

/** A customer's DisplayName or an item's Name (each also its FullyQualifiedName), as the API shows it. */
export function nameListName(context: CompanyContext, entity: QuickBooksEntity, record: EntityRecord): string {
  const name = entity === 'Customer' ? context.customer(record.id).displayName : context.item(record.id).name;
  return record.inactive ? `${name}${DELETED_SUFFIX}` : name;
}

export function customerBody(context: CompanyContext, record: EntityRecord): JsonObject {
  const profile = context.customer(record.id);
  // The phone number changes with each edit, so an update is visible.
  const phoneRng = recordRng(context.seed, 'customer-phone', record.id, record.revisions);
  const displayName = nameListName(context, 'Customer', record);
  return {
    domain: 'QBO',
    sparse: false,
    Id: String(record.id),
    SyncToken: String(record.syncToken),
    MetaData: metaData(record),
    GivenName: profile.givenName,
    FamilyName: profile.familyName,
    DisplayName: displayName,
    FullyQualifiedName: displayName,
    PrintOnCheckName: profile.companyName ?? profile.displayName,
    Active: !record.inactive,
    Taxable: profile.taxable,
    PrimaryEmailAddr: { Address: profile.email },
    PrimaryPhone: { FreeFormNumber: `(${phoneRng.between(201, 989)}) 555-${String(phoneRng.between(0, 9999)).padStart(4, '0')}` },
    BillAddr: profile.billAddr,
    ShipAddr: profile.shipAddr,
    Job: false,
    BillWithParent: false,
    Balance: amount(profile.balanceCents),
    BalanceWithJobs: amount(profile.balanceCents),
    CurrencyRef: USD,
    PreferredDeliveryMethod: 'Print',
    IsProject: false,
    CompanyName: profile.companyName,
    Notes: record.revisions > 0 ? editNote(record.revisions) : undefined,
  };
}

export function itemBody(context: CompanyContext, record: EntityRecord): JsonObject {
  const profile = context.item(record.id);
  const name = nameListName(context, 'Item', record);
  const inventory = profile.type === 'Inventory';
  return {
    domain: 'QBO',
    sparse: false,
    Id: String(record.id),
    SyncToken: String(record.syncToken),
    MetaData: metaData(record),
    Name: name,
    FullyQualifiedName: name,
    Description: record.revisions > 0 ? `${profile.description} (${editNote(record.revisions).toLowerCase()})` : profile.description,
    Active: !record.inactive,
    Taxable: profile.taxable,
    UnitPrice: unitPrice(profile.unitPriceCents),
    Type: profile.type,
    IncomeAccountRef: profile.type === 'Service' ? { value: '1', name: 'Services' } : { value: '79', name: 'Sales of Product Income' },
    PurchaseCost: unitPrice(profile.purchaseCostCents),
    TrackQtyOnHand: inventory,
    ExpenseAccountRef: profile.type === 'Service' ? undefined : { value: '80', name: 'Cost of Goods Sold' },
    AssetAccountRef: inventory ? { value: '81', name: 'Inventory Asset' } : undefined,
    QtyOnHand: inventory ? recordRng(context.seed, 'item-stock', record.id, record.revisions).between(0, 500) : undefined,
  };
}
