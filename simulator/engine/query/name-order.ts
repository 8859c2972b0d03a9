/**
 * Customers and items by name: QuickBooks lists name-list entities in FullyQualifiedName order when a
 * query has no ORDERBY, and lets a query select them by name (`DisplayName = '…'` on Customer,
 * `Name = '…'` on Item, `FullyQualifiedName` on both). The order is case-insensitive, ties by Id
 * (Intuit documents neither rule; this is the reading a user of the QuickBooks lists would expect).
 */
import type { QuickBooksEntity } from '../company/entity-kinds.js';
import type { EntityRecord } from '../company/entity-record.js';
import type { CompanyContext } from '../data/company-context.js';
import { nameListName } from '../data/name-lists.js';

export function* walkByName(context: CompanyContext, entity: QuickBooksEntity, descending: boolean): Generator<EntityRecord> {
  const keyed = context.stores[entity].records.map((record) => ({ record, key: nameListName(context, entity, record).toLowerCase() }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.record.id - b.record.id));
  if (descending) keyed.reverse();
  for (const { record } of keyed) yield record;
}

/** Whether a name field (DisplayName, Name, FullyQualifiedName) exists on the entity. */
export function isNameField(field: string, entity: QuickBooksEntity): boolean {
  const lower = field.toLowerCase();
  if (lower === 'fullyqualifiedname') return entity === 'Customer' || entity === 'Item';
  return (lower === 'displayname' && entity === 'Customer') || (lower === 'name' && entity === 'Item');
}
