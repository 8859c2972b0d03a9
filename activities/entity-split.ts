/**
 * Where to split a big entity's time range so that its pages can be fetched by several lanes at once.
 *
 * Asked with the entity's first page: `SELECT COUNT(*)` of the records from where the pass starts, then,
 * for each segment after the first, the one record at the position where that segment should begin
 * (`STARTPOSITION p MAXRESULTS 1`, the grammar Intuit documents). Its LastUpdatedTime is the split: the
 * segment before reads `LastUpdatedTime < split`, the segment from it `>= split`. Positions only decide
 * how even the segments are, never what is read: records that move meanwhile (an update moves a record
 * to the present) are read by the last, open-ended segment, as a single cursor would have read them.
 *
 * Each segment but the first is sized one record short of whole pages, so that its last page comes back
 * short (and ends it) instead of full and followed by an empty one.
 */
import type { QuickBooksEntity } from '../shared/contract.js';
import type { SplitRequest } from '../shared/workflow-payloads.js';

/** Positions (1-based, in `LastUpdatedTime >= start` order) where the segments after the first begin. */
export function splitPositions(total: number, pageSize: number, request: SplitRequest): number[] {
  const pages = Math.ceil(total / pageSize);
  const segments = Math.min(request.maxSegments, Math.floor(pages / Math.max(1, request.pagesPerSegment)));
  if (segments < 2) return [];
  const stride = Math.ceil(pages / segments) * pageSize;
  const positions: number[] = [];
  // The first segment holds positions 1 … stride − 1 (the first page's included); each next one stride − 1 more.
  for (let position = stride; positions.length < segments - 1 && position <= total; position += stride - 1) positions.push(position);
  return positions;
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
export async function findSplitTimes(queries: SplitQueries, entity: QuickBooksEntity, since: string, pageSize: number, request: SplitRequest): Promise<(string | undefined)[]> {
  const positions = splitPositions(await queries.count(entity, since), pageSize, request);
  return Promise.all(positions.map((position) => queries.timeAt(entity, since, position)));
}
