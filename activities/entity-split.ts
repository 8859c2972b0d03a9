/**
 * Where to split a big entity's time range so that its pages can be fetched by several lanes at once.
 *
 * Asked with one page of the entity (the sixth: workflows/segment-lanes.ts): `SELECT COUNT(*)` of the
 * records from where its cursor stood before that page, then,
 * for each segment after the first, the one record at the position where that segment should begin
 * (`STARTPOSITION p MAXRESULTS 1`, the grammar Intuit documents). Its LastUpdatedTime is the split: the
 * segment before reads `LastUpdatedTime < split`, the segment from it `>= split`. Positions only decide
 * how even the segments are, never what is read: records that move meanwhile (an update moves a record
 * to the present) are read by the last, open-ended segment, as a single cursor would have read them.
 *
 * Each segment is sized a little short of whole pages, so that its last page comes back short (and ends
 * it) instead of full and followed by another: every page after a segment's first re-reads the records
 * of the second it stopped in (activities/entity-cursor.ts), so a segment holds `slackPerPage` records a
 * page fewer than whole pages, with `slackPerPage` above the records one second holds.
 */
import type { QuickBooksEntity } from '../shared/contract.js';
import type { SplitRequest } from '../shared/workflow-payloads.js';

/** Positions (1-based, in `LastUpdatedTime >= start` order) where the segments after the first begin. */
export function splitPositions(total: number, pageSize: number, request: SplitRequest, slackPerPage = 1): number[] {
  const pages = Math.ceil(total / pageSize);
  const segments = Math.min(request.maxSegments, Math.floor(pages / Math.max(1, request.pagesPerSegment)));
  if (segments < 2) return [];
  const stridePages = Math.ceil(pages / segments);
  const slack = Math.max(1, Math.min(Math.floor(pageSize / 10), slackPerPage));
  const step = stridePages * (pageSize - slack);
  const positions: number[] = [];
  // The first segment holds positions 1 … step (the asking page's included); each next one `step` more.
  for (let position = step + 1; positions.length < segments - 1 && position <= total; position += step) positions.push(position);
  return positions;
}

/** Records a page should leave room for: twice those of a second seen so far (seconds differ), and one more. */
export function slackFor(recordsInOneSecond: number): number {
  return 2 * recordsInOneSecond + 1;
}

/** The split instants: ascending, distinct, and after `watermark` (where the first segment stands now). */
export function splitInstants(times: readonly (string | undefined)[], watermark: string | null): string[] {
  const after = watermark === null ? -Infinity : Date.parse(watermark);
  const instants: number[] = [];
  for (const time of times) {
    const ms = time === undefined ? NaN : Date.parse(time);
    if (Number.isNaN(ms) || ms <= Math.max(after, instants.at(-1) ?? -Infinity)) continue;
    instants.push(ms);
  }
  return instants.map((ms) => new Date(ms).toISOString());
}

export interface SplitQueries {
  /** Records of `entity` with LastUpdatedTime at or after `since`. */
  count(entity: QuickBooksEntity, since: string): Promise<number>;
  /** The LastUpdatedTime of the record at `position` in that order, if there is one. */
  timeAt(entity: QuickBooksEntity, since: string, position: number): Promise<string | undefined>;
}

/** Asks QuickBooks for the split positions' times (the probes run side by side, within the company's budget). */
export async function findSplitTimes(queries: SplitQueries, entity: QuickBooksEntity, since: string, pageSize: number, request: SplitRequest, slackPerPage = 1): Promise<(string | undefined)[]> {
  const positions = splitPositions(await queries.count(entity, since), pageSize, request, slackPerPage);
  return Promise.all(positions.map((position) => queries.timeAt(entity, since, position)));
}
