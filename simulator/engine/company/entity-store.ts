/**
 * One entity's records in a company, with the index every query and CDC call walks: all records
 * (deleted included) sorted by (LastUpdatedTime, numeric Id). Updates move a record to its new place by
 * binary search, so a request never sorts.
 */
import type { EntityRecord } from './entity-record.js';

function compareByUpdated(a: EntityRecord, b: EntityRecord): number {
  return a.updatedAt - b.updatedAt || a.id - b.id;
}

/** How many records are in each state, kept up to date so that validating a change never scans. */
export interface RecordStateCounts {
  notDeleted: number;
  /** Neither deleted nor voided: what an update or a void may pick. */
  notDeletedNorVoided: number;
  active: number;
}

export class EntityStore {
  /** By id: `records[id - 1]`. */
  readonly records: EntityRecord[] = [];
  /** Sorted by (updatedAt, id). */
  readonly byUpdated: EntityRecord[] = [];
  readonly counts: RecordStateCounts = { notDeleted: 0, notDeletedNorVoided: 0, active: 0 };

  /** Takes records in id order, already built (company generation): one sort instead of many inserts. */
  load(records: EntityRecord[]): void {
    for (const record of records) {
      this.records.push(record);
      this.byUpdated.push(record);
      this.count(record, 1);
    }
    this.byUpdated.sort(compareByUpdated);
  }

  add(record: EntityRecord): void {
    if (record.id !== this.records.length + 1) throw new Error(`ids must be sequential: expected ${this.records.length + 1}, got ${record.id}`);
    this.records.push(record);
    this.byUpdated.splice(this.insertionPoint(record), 0, record);
    this.count(record, 1);
  }

  get(id: number): EntityRecord | undefined {
    return Number.isInteger(id) && id >= 1 ? this.records[id - 1] : undefined;
  }

  get size(): number {
    return this.records.length;
  }

  nextId(): number {
    return this.records.length + 1;
  }

  /** Applies `change` to a record and moves it to its new place in the updated-time index. */
  modify(record: EntityRecord, updatedAt: number, change: (record: EntityRecord) => void): void {
    const position = this.positionOf(record);
    this.byUpdated.splice(position, 1);
    this.count(record, -1);
    change(record);
    record.updatedAt = updatedAt;
    record.syncToken += 1;
    this.count(record, 1);
    this.byUpdated.splice(this.insertionPoint(record), 0, record);
  }

  private count(record: EntityRecord, delta: 1 | -1): void {
    if (!record.deleted) this.counts.notDeleted += delta;
    if (!record.deleted && !record.voided) this.counts.notDeletedNorVoided += delta;
    if (!record.inactive) this.counts.active += delta;
  }

  /** Index of the first record whose updatedAt (epoch ms) is at or after `sinceMs`. */
  firstUpdatedAtOrAfter(sinceMs: number): number {
    let low = 0;
    let high = this.byUpdated.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.byUpdated[mid] as EntityRecord).updatedAt * 1000 < sinceMs) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private positionOf(record: EntityRecord): number {
    const index = this.insertionPoint(record);
    if (this.byUpdated[index] !== record) throw new Error(`index out of sync for record ${record.id}`);
    return index;
  }

  /** First index whose (updatedAt, id) is not less than the record's. */
  private insertionPoint(record: EntityRecord): number {
    let low = 0;
    let high = this.byUpdated.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareByUpdated(this.byUpdated[mid] as EntityRecord, record) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
