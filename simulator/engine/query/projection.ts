/**
 * `SELECT Id, MetaData.LastUpdatedTime FROM Invoice` answers sparse objects: the fields asked for (a
 * dotted name selects inside an object), plus `domain` and `sparse: true`. Fields the object does not
 * have are left out. Id, SyncToken and MetaData are read from the record itself, so the common
 * "list the Ids" query never builds full bodies.
 */
import type { QuickBooksEntity } from '../company/entity-kinds.js';
import type { EntityRecord } from '../company/entity-record.js';
import type { CompanyContext } from '../data/company-context.js';
import { metaData, type JsonObject } from '../data/common-fields.js';
import { materialize } from '../data/materialize.js';

const FROM_RECORD = new Set(['id', 'synctoken', 'metadata', 'metadata.createtime', 'metadata.lastupdatedtime']);

export function projectRecord(context: CompanyContext, entity: QuickBooksEntity, record: EntityRecord, fields: readonly string[]): JsonObject {
  const source: JsonObject = fields.every((field) => FROM_RECORD.has(field.toLowerCase()))
    ? { Id: String(record.id), SyncToken: String(record.syncToken), MetaData: metaData(record) }
    : materialize(context, entity, record);
  const projected: JsonObject = { domain: 'QBO', sparse: true };
  for (const field of fields) copyPath(source, projected, field.split('.'));
  return projected;
}

function copyPath(from: JsonObject, to: JsonObject, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const key = Object.keys(from).find((candidate) => candidate.toLowerCase() === head.toLowerCase());
  if (key === undefined) return;
  const value = from[key];
  if (rest.length === 0) {
    to[key] = value;
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const target = (to[key] ??= {}) as JsonObject;
  copyPath(value as JsonObject, target, rest);
}
