/** Builds the JSON QuickBooks would return for a record, or the stub CDC returns for a deleted one. */
import type { EntityRecord } from '../company/entity-record.js';
import type { QuickBooksEntity } from '../company/entity-kinds.js';
import type { CompanyContext } from './company-context.js';
import { deletedStub, type JsonObject } from './common-fields.js';
import { customerBody, itemBody } from './name-lists.js';
import { paymentBody } from './payments.js';
import { salesDocumentBody } from './sales-documents.js';

export type { JsonObject };

export function materialize(context: CompanyContext, entity: QuickBooksEntity, record: EntityRecord): JsonObject {
  if (record.deleted) return deletedStub(record);
  switch (entity) {
    case 'Customer':
      return customerBody(context, record);
    case 'Item':
      return itemBody(context, record);
    case 'Payment':
      return paymentBody(context, record);
    default:
      return salesDocumentBody(context, entity, record);
  }
}
