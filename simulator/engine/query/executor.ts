/**
 * Runs a parsed query against a company's records without sorting anything per request: ordering by
 * MetaData.LastUpdatedTime walks the entity's (LastUpdatedTime, Id) index from a binary-searched start;
 * ordering by Id, CreateTime or TxnDate walks records in Id order (creation times rise with Id). Ties on
 * LastUpdatedTime therefore always break by numeric Id, ascending (descending for DESC).
 *
 * Visibility follows QuickBooks: deleted transactions never appear; customers and items that are
 * inactive appear only when the WHERE clause mentions `Active`.
 *
 * A field list (`SELECT Id FROM …`) filters and orders the same way; projection.ts shapes the rows.
 *
 * Queryable fields: Id, MetaData.LastUpdatedTime and MetaData.CreateTime (also spelled Metadata.…),
 * Active, DisplayName (customers), Name (items) and FullyQualifiedName (both), TxnDate and CustomerRef
 * (transactions). ORDERBY: Id, MetaData.LastUpdatedTime, MetaData.CreateTime, TxnDate, the name
 * fields. Without ORDERBY, transactions come in Id order and customers and items by name
 * (name-order.ts), as Intuit lists them.
 */
import type { QuickBooksEntity } from '../company/entity-kinds.js';
import { ENTITY_KINDS, entityByName } from '../company/entity-kinds.js';
import type { EntityRecord } from '../company/entity-record.js';
import type { EntityStore } from '../company/entity-store.js';
import { companyDay, parseTimestamp } from '../company-time.js';
import type { CompanyContext } from '../data/company-context.js';
import { nameListName } from '../data/name-lists.js';
import { isNameField, walkByName } from './name-order.js';
import type { Condition, Literal, ParsedQuery } from './parser.js';
import { validationError } from './query-errors.js';

export type QueryOutcome =
  | { select: 'count'; entity: QuickBooksEntity; totalCount: number }
  | { select: 'rows'; entity: QuickBooksEntity; records: EntityRecord[]; startPosition: number; fields: string[] | undefined };

type Field = 'Id' | 'LastUpdatedTime' | 'CreateTime' | 'Active' | 'TxnDate' | 'CustomerRef' | 'Name';
type Predicate = (record: EntityRecord) => boolean;

const FIELD_NAMES: Record<string, Field> = {
  id: 'Id',
  'metadata.lastupdatedtime': 'LastUpdatedTime',
  'metadata.createtime': 'CreateTime',
  active: 'Active',
  txndate: 'TxnDate',
  customerref: 'CustomerRef',
  displayname: 'Name',
  name: 'Name',
  fullyqualifiedname: 'Name',
};

const DEFAULT_MAX_RESULTS = 100;

export function executeQuery(query: ParsedQuery, context: CompanyContext, maxResultsCap: number): QueryOutcome {
  const stores = context.stores;
  const entity = entityByName(query.entityName);
  // Intuit answers an entity it does not know with 4001 "Invalid query", not a parser error.
  if (!entity) throw validationError(`invalid context declaration: ${query.entityName} (the simulator serves ${Object.keys(ENTITY_KINDS).join(', ')})`);
  const nameList = ENTITY_KINDS[entity].nameList;
  const store = stores[entity];

  const predicates: Predicate[] = [];
  let mentionsActive = false;
  let updatedFromMs = -Infinity;
  let updatedToMs = Infinity;
  for (const condition of query.conditions) {
    const field = resolveField(condition.field, entity);
    if (field === 'Active') mentionsActive = true;
    if (field === 'LastUpdatedTime' && condition.operator !== 'IN') {
      const ms = timestampValue(condition);
      if (condition.operator === '>=' || condition.operator === '=') updatedFromMs = Math.max(updatedFromMs, ms);
      if (condition.operator === '>') updatedFromMs = Math.max(updatedFromMs, ms + 1);
      if (condition.operator === '<=' || condition.operator === '=') updatedToMs = Math.min(updatedToMs, ms);
      if (condition.operator === '<') updatedToMs = Math.min(updatedToMs, ms - 1);
    }
    predicates.push(field === 'Name' ? namePredicate(context, entity, condition) : buildPredicate(field, condition));
  }
  predicates.push(nameList ? (mentionsActive ? () => true : (record) => !record.inactive) : (record) => !record.deleted);
  const matches: Predicate = (record) => predicates.every((predicate) => predicate(record));

  const order = resolveOrder(query, entity);
  const candidates = order.field === 'LastUpdatedTime'
    ? walkUpdatedIndex(store, updatedFromMs, updatedToMs, order.descending)
    : order.field === 'Name'
      ? walkByName(context, entity, order.descending)
      : walkById(store, order.descending);

  if (query.select === 'count') {
    let totalCount = 0;
    for (const record of candidates) if (matches(record)) totalCount += 1;
    return { select: 'count', entity, totalCount };
  }

  const startPosition = query.startPosition ?? 1;
  // Intuit's wording (ruckus/quickbooks-ruby spec/fixtures/query_validation_error.xml).
  if (startPosition < 1) throw validationError(`value ${startPosition} is too small. Min allowed value is 1`);
  const requested = query.maxResults ?? DEFAULT_MAX_RESULTS;
  if (requested < 1) throw validationError(`value ${requested} is too small. Min allowed value is 1`);
  const maxResults = Math.min(requested, maxResultsCap);

  const records: EntityRecord[] = [];
  let skipped = 0;
  for (const record of candidates) {
    if (!matches(record)) continue;
    if (skipped < startPosition - 1) {
      skipped += 1;
      continue;
    }
    records.push(record);
    if (records.length >= maxResults) break;
  }
  return { select: 'rows', entity, records, startPosition, fields: query.fields };
}

function resolveField(name: string, entity: QuickBooksEntity): Field {
  const field = FIELD_NAMES[name.toLowerCase()];
  const nameList = ENTITY_KINDS[entity].nameList;
  if (!field || (field === 'Active' && !nameList) || ((field === 'TxnDate' || field === 'CustomerRef') && nameList) || (field === 'Name' && !isNameField(name, entity))) {
    const own = entity === 'Customer' ? 'Active, DisplayName, FullyQualifiedName' : entity === 'Item' ? 'Active, Name, FullyQualifiedName' : 'TxnDate, CustomerRef';
    throw validationError(`property '${name}' is not queryable on ${entity} in the simulator (queryable: Id, MetaData.LastUpdatedTime, MetaData.CreateTime, ${own})`);
  }
  return field;
}

function resolveOrder(query: ParsedQuery, entity: QuickBooksEntity): { field: Field; descending: boolean } {
  const descending = query.orderBy?.direction === 'DESC';
  // Intuit lists customers and items by FullyQualifiedName when the query does not say otherwise.
  if (!query.orderBy) return { field: ENTITY_KINDS[entity].nameList ? 'Name' : 'Id', descending };
  const field = FIELD_NAMES[query.orderBy.field.toLowerCase()];
  if (field === 'Id' || field === 'LastUpdatedTime' || field === 'CreateTime' || (field === 'TxnDate' && !ENTITY_KINDS[entity].nameList)) {
    return { field, descending };
  }
  if (field === 'Name' && isNameField(query.orderBy.field, entity)) return { field, descending };
  throw validationError(`ORDERBY ${query.orderBy.field} is not supported by the simulator (use Id, MetaData.LastUpdatedTime, MetaData.CreateTime, TxnDate or a name field)`);
}

/** Records whose LastUpdatedTime lies in [fromMs, toMs], in (LastUpdatedTime, Id) order. */
function* walkUpdatedIndex(store: EntityStore, fromMs: number, toMs: number, descending: boolean): Generator<EntityRecord> {
  const index = store.byUpdated;
  if (!descending) {
    for (let i = Number.isFinite(fromMs) ? store.firstUpdatedAtOrAfter(fromMs) : 0; i < index.length; i++) {
      const record = index[i] as EntityRecord;
      if (record.updatedAt * 1000 > toMs) return;
      yield record;
    }
  } else {
    for (let i = (Number.isFinite(toMs) ? store.firstUpdatedAtOrAfter(toMs + 1) : index.length) - 1; i >= 0; i--) {
      const record = index[i] as EntityRecord;
      if (record.updatedAt * 1000 < fromMs) return;
      yield record;
    }
  }
}

function* walkById(store: EntityStore, descending: boolean): Generator<EntityRecord> {
  const records = store.records;
  if (!descending) for (let i = 0; i < records.length; i++) yield records[i] as EntityRecord;
  else for (let i = records.length - 1; i >= 0; i--) yield records[i] as EntityRecord;
}

function buildPredicate(field: Exclude<Field, 'Name'>, condition: Condition): Predicate {
  switch (field) {
    case 'Id': {
      const ids = condition.values.map((value) => integerValue(value, condition));
      return numberPredicate(condition, ids, (record) => record.id);
    }
    case 'CustomerRef': {
      const ids = condition.values.map((value) => integerValue(value, condition));
      return numberPredicate(condition, ids, (record) => record.customerId);
    }
    case 'LastUpdatedTime':
      return numberPredicate(condition, condition.values.map((value) => timestampOf(value, condition)), (record) => record.updatedAt * 1000);
    case 'CreateTime':
      return numberPredicate(condition, condition.values.map((value) => timestampOf(value, condition)), (record) => record.createdAt * 1000);
    case 'TxnDate':
      return numberPredicate(condition, condition.values.map((value) => dayOf(value, condition)), (record) => companyDay(record.createdAt * 1000));
    case 'Active': {
      const wanted = condition.values.map((value) => booleanValue(value, condition));
      if (condition.operator === 'IN' || condition.operator === '=') return (record) => wanted.includes(!record.inactive);
      if (condition.operator === '!=') return (record) => !wanted.includes(!record.inactive);
      throw validationError(`operator ${condition.operator} cannot be used with Active`);
    }
  }
}

function namePredicate(context: CompanyContext, entity: QuickBooksEntity, condition: Condition): Predicate {
  const names = condition.values.map((value) => {
    if (value.type !== 'string') throw validationError(`${condition.field} needs a quoted name such as 'Amy\\'s Bird Sanctuary', got ${show(value)}`);
    return value.value;
  });
  const read = (record: EntityRecord) => nameListName(context, entity, record);
  if (condition.operator === '=' || condition.operator === 'IN') return (record) => names.includes(read(record));
  if (condition.operator === '!=') return (record) => !names.includes(read(record));
  throw validationError(`operator ${condition.operator} cannot be used with ${condition.field} in the simulator`);
}

function numberPredicate(condition: Condition, values: number[], read: (record: EntityRecord) => number): Predicate {
  const [value = NaN] = values;
  switch (condition.operator) {
    case 'IN': {
      const set = new Set(values);
      return (record) => set.has(read(record));
    }
    case '=':
      return (record) => read(record) === value;
    case '!=':
      return (record) => read(record) !== value;
    case '<':
      return (record) => read(record) < value;
    case '<=':
      return (record) => read(record) <= value;
    case '>':
      return (record) => read(record) > value;
    case '>=':
      return (record) => read(record) >= value;
    case 'LIKE':
      throw validationError(`LIKE cannot be used with ${condition.field}`);
  }
}

function timestampValue(condition: Condition): number {
  return timestampOf(condition.values[0] as Literal, condition);
}

function timestampOf(value: Literal, condition: Condition): number {
  const ms = value.type === 'string' ? parseTimestamp(value.value) : undefined;
  if (ms === undefined) throw validationError(`${condition.field} needs a quoted ISO-8601 date-time such as '2025-03-04T10:22:01-08:00', got ${show(value)}`);
  return ms;
}

function dayOf(value: Literal, condition: Condition): number {
  const match = value.type === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.value) : null;
  if (!match) throw validationError(`${condition.field} needs a quoted date such as '2025-03-04', got ${show(value)}`);
  return Math.floor(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 86_400_000);
}

function integerValue(value: Literal, condition: Condition): number {
  const text = value.type === 'boolean' ? '' : String(value.value);
  if (!/^\d+$/.test(text)) throw validationError(`${condition.field} needs an Id such as '42', got ${show(value)}`);
  return Number(text);
}

function booleanValue(value: Literal, condition: Condition): boolean {
  if (value.type === 'boolean') return value.value;
  if (value.type === 'string' && /^(true|false)$/i.test(value.value)) return value.value.toLowerCase() === 'true';
  throw validationError(`${condition.field} needs true or false, got ${show(value)}`);
}

function show(value: Literal): string {
  return value.type === 'string' ? `'${value.value}'` : String(value.value);
}
