/**
 * Paging one entity by `MetaData.LastUpdatedTime` without losing or re-writing records.
 *
 * Each page asks for `LastUpdatedTime >= watermark`. Records at exactly the watermark that are already
 * stored come back again and are skipped by id. Asking from the start of the watermark's second (rather
 * than skipping ahead with STARTPOSITION) matters: if a stored record of that second is updated between
 * two pages, it moves to a later second and every position after it shifts left, so a STARTPOSITION
 * offset would silently jump over a record nobody stored yet.
 *
 * Only when one second holds more records than a page (a giant bulk import) does the pass have to move
 * inside that second with STARTPOSITION; it then re-reads OVERLAP records before its position, which
 * absorbs that many concurrent updates within the second, and relies on the newer-wins upsert for the
 * re-read ones.
 */
import type { EntityCursor } from '../shared/workflow-payloads.js';

export const PAGE_SIZE = 1000;

/**
 * Past this many stored records in one second, the pass tracks a count instead of the ids and moves by
 * position. Below half a page, a page asked from the start of the second still brings at least half a
 * page of new records, so every page makes progress whatever the page size.
 */
export function trackedIdsLimit(pageSize: number): number {
  return Math.max(1, Math.min(500, Math.floor(pageSize / 2)));
}

/** Records re-read before the position inside a giant second (a tenth of a page, at most 100). */
export function overlapFor(pageSize: number): number {
  return Math.min(100, Math.floor(pageSize / 10));
}
/** Where a pass starts: before any QuickBooks record. */
export const BEGINNING_OF_TIME = '1970-01-01T00:00:00.000Z';

/** STARTPOSITION for the next page. */
export function startPositionFor(cursor: EntityCursor, pageSize = PAGE_SIZE): number {
  if (cursor.countAtWatermark < trackedIdsLimit(pageSize)) return 1;
  return Math.max(1, cursor.countAtWatermark - overlapFor(pageSize) + 1);
}

export interface PagedRecord {
  qboId: string;
  lastUpdatedTime: Date;
}

/** True for a record of the page that the cursor says is already stored. */
export function isAlreadyStored(cursor: EntityCursor, record: PagedRecord): boolean {
  return cursor.watermark !== null && record.lastUpdatedTime.getTime() === Date.parse(cursor.watermark) && cursor.idsAtWatermark.includes(record.qboId);
}

/** What the cursor needs of a page: its size, its last record's time, and the ids at that time in order. */
export interface PageSummary {
  fetched: number;
  /** The last record's LastUpdatedTime (ISO), null for an empty page. */
  newest: string | null;
  idsAtNewest: readonly string[];
}

export function summarizePage(records: readonly PagedRecord[]): PageSummary {
  const last = records.at(-1);
  if (!last) return { fetched: 0, newest: null, idsAtNewest: [] };
  const newest = last.lastUpdatedTime.getTime();
  return {
    fetched: records.length,
    newest: last.lastUpdatedTime.toISOString(),
    idsAtNewest: records.filter((record) => record.lastUpdatedTime.getTime() === newest).map((record) => record.qboId),
  };
}

/**
 * The cursor after a page has been stored. `records` are the page's records in the order QuickBooks
 * returned them (ascending LastUpdatedTime); `startPosition` is the one the page was asked with.
 */
export function advanceCursor(cursor: EntityCursor, records: readonly PagedRecord[], startPosition: number, pageSize = PAGE_SIZE): EntityCursor {
  return advanceCursorPast(cursor, summarizePage(records), startPosition, pageSize);
}

/** `advanceCursor` from the page's summary (what Postgres hands back after storing the page). */
export function advanceCursorPast(cursor: EntityCursor, page: PageSummary, startPosition: number, pageSize = PAGE_SIZE): EntityCursor {
  const done = page.fetched < pageSize;
  if (page.newest === null) return { ...cursor, done, pages: cursor.pages + 1 };
  // A segment of a split entity keeps its upper bound.
  const bound = cursor.before === undefined ? {} : { before: cursor.before };

  const newest = Date.parse(page.newest);
  const sameSecond = cursor.watermark !== null && Date.parse(cursor.watermark) === newest;
  const watermark = new Date(newest).toISOString();

  let countAtWatermark: number;
  let ids: string[];
  const limit = trackedIdsLimit(pageSize);
  if (sameSecond && cursor.countAtWatermark >= limit) {
    // Moving inside a giant second by position: everything up to the page's end is stored.
    countAtWatermark = startPosition - 1 + page.idsAtNewest.length;
    ids = [];
  } else if (sameSecond) {
    ids = [...new Set([...cursor.idsAtWatermark, ...page.idsAtNewest])];
    countAtWatermark = ids.length;
  } else {
    ids = [...new Set(page.idsAtNewest)];
    countAtWatermark = ids.length;
  }
  if (countAtWatermark >= limit) ids = [];
  return { watermark, idsAtWatermark: ids, countAtWatermark, done, pages: cursor.pages + 1, ...bound };
}
