/** The fields every QuickBooks object carries, and the stub CDC returns for a deleted one. */
import { formatCompanyTime } from '../company-time.js';
import type { EntityRecord } from '../company/entity-record.js';

export type JsonObject = Record<string, unknown>;

export const USD = Object.freeze({ value: 'USD', name: 'United States Dollar' });

/*
 * Bodies are built as one object literal with a fixed field order, the common fields written out in
 * each (absent fields are `undefined`, which JSON omits). Spreading a shared "envelope" object into the
 * literal, or adding fields one by one afterwards, made V8 build a page of a thousand invoices several
 * times slower.
 */

export function metaData(record: EntityRecord): { CreateTime: string; LastUpdatedTime: string } {
  return { CreateTime: formatCompanyTime(record.createdAt * 1000), LastUpdatedTime: formatCompanyTime(record.updatedAt * 1000) };
}

export function deletedStub(record: EntityRecord): JsonObject {
  return {
    domain: 'QBO',
    status: 'Deleted',
    Id: String(record.id),
    MetaData: { LastUpdatedTime: formatCompanyTime(record.updatedAt * 1000) },
  };
}

export function editNote(revisions: number): string {
  return `Edited ${revisions} time${revisions === 1 ? '' : 's'}`;
}
