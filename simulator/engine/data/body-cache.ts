/**
 * Serialized bodies, remembered per (entity, Id, SyncToken). A body is a pure function of its record,
 * and every change to a record bumps its SyncToken, so a cached body can never be stale. Building and
 * serializing a thousand invoices costs tens of milliseconds; re-reading them (resyncs, several
 * connections to one company, overlapping CDC windows) then costs only string concatenation.
 */
import type { QuickBooksEntity } from '../company/entity-kinds.js';
import type { EntityRecord } from '../company/entity-record.js';
import type { CompanyContext } from './company-context.js';
import { intuitJson } from './json-text.js';
import { materialize } from './materialize.js';

/** About 32 MB of JSON text per company; the least recently added bodies go first. */
const CAPACITY_CHARS = 32 * 1024 * 1024;

export class BodyCache {
  private readonly bodies = new Map<string, string>();
  private chars = 0;

  constructor(private readonly context: CompanyContext) {}

  json(entity: QuickBooksEntity, record: EntityRecord): string {
    const key = `${entity}:${record.id}:${record.syncToken}:${record.deleted ? 'd' : ''}`;
    let body = this.bodies.get(key);
    if (body === undefined) {
      body = intuitJson(materialize(this.context, entity, record));
      this.bodies.set(key, body);
      this.chars += body.length;
      for (const [oldKey, oldBody] of this.bodies) {
        if (this.chars <= CAPACITY_CHARS) break;
        this.bodies.delete(oldKey);
        this.chars -= oldBody.length;
      }
    }
    return body;
  }
}
