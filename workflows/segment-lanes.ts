/**
 * The pages of a query pass, fetched by up to SEGMENT_LANES lanes at once (the `entity-segments` patch).
 * A lane takes the next unfinished segment and pages it until a page comes back short; an entity's
 * sixth page asks for a split, and a big entity's range comes back split into segments (shared/
 * checkpoint.ts `splitEntity`), which join the front of the queue so that idle lanes take them at once.
 * Pages of one segment stay strictly sequential (each starts at the previous one's end), so the
 * checkpoint moves exactly as with one cursor per entity.
 */
import { afterPage, remainingSegments, segmentCursor, splitEntity } from '../shared/checkpoint.js';
import type { QuickBooksEntity } from '../shared/contract.js';
import type { PullPass, SplitRequest } from '../shared/workflow-payloads.js';
import { quickbooksPulls } from './activity-groups.js';
import type { Stop } from './outcome.js';
import type { QueryPassContext } from './pass-context.js';

/**
 * Segments paged at the same time. With the next page prefetched while one is stored, six lanes keep
 * six to ten requests in flight: within Intuit's 10 concurrent per company, which the realm limiter enforces.
 */
export const SEGMENT_LANES = 6;
/**
 * A big entity is split into at most this many segments of at least this many pages. Splitting costs
 * requests that carry no records (a count, a probe per segment, and often a short page where a segment
 * ends), and at Intuit's pace every request counts: long segments keep that under a tenth of the pages,
 * and the other entities keep the lanes busy meanwhile. (Replay-safe: the split comes back in the
 * page's result, so a history recorded with other values replays the segments it recorded.)
 */
export const SPLIT: SplitRequest = { maxSegments: 32, pagesPerSegment: 10 };
/**
 * An entity asks for its split with this page (the sixth), not its first: an entity of five pages or
 * fewer never spends a count on a split it could not use, and a big one is split a few pages later.
 * (Replay-safe as well: whether a page asked for the split is only its input; its result says.)
 */
export const SPLIT_WITH_PAGE = 6;

interface Work {
  entity: QuickBooksEntity;
  segment: number;
}

/** Pages every unfinished segment of `pass`; returns the first stop, or null once all are done. */
export async function pageSegments(context: QueryPassContext, pass: PullPass): Promise<Stop | null> {
  const { connectionId, state, authorization, audit } = context;
  const queue: Work[] = remainingSegments(pass);
  let stop: Stop | null = null;
  let active = 0;
  const lanes: Promise<void>[] = [];

  const cursorOf = ({ entity, segment }: Work) => segmentCursor(state.checkpoint.pass!, entity, segment)!;
  const pageThrough = async (work: Work) => {
    const { entity, segment } = work;
    while (!stop && !cursorOf(work).done) {
      const cursor = cursorOf(work);
      const label = `${entity}${segment > 0 ? ` segment ${segment + 1}` : ''} page ${cursor.pages + 1}`;
      const asksSplit = segment === 0 && cursor.pages === SPLIT_WITH_PAGE - 1 && cursor.before === undefined && !state.checkpoint.pass!.segments?.[entity];
      const page = await authorization.withAccessToken(`fetching ${label}`, () =>
        quickbooksPulls.pullEntityPage.executeWithOptions({ summary: `fetch ${label}` }, [
          { connectionId, entity, segment, checkpoint: state.checkpoint, pageSize: context.pageSize, ...(asksSplit ? { split: SPLIT } : {}) },
        ]),
      );
      if (page.kind !== 'ok') {
        stop ??= page;
        return;
      }
      state.checkpoint = afterPage(state.checkpoint, entity, page.value.cursor, page.value.serverTime, segment);
      state.recordsSynced += audit.count(entity, page.value.counts, page.value.qboRequests ?? 1);
      const splitAt = page.value.splitAt ?? [];
      if (splitAt.length > 0 && !page.value.cursor.done) {
        state.checkpoint = splitEntity(state.checkpoint, entity, splitAt);
        queue.unshift(...splitAt.map((_, index) => ({ entity, segment: index + 1 })));
        fill();
      }
      if (context.shouldYield()) stop ??= { kind: 'interrupted' };
    }
  };
  const lane = async () => {
    for (let work = queue.shift(); work && !stop; work = queue.shift()) await pageThrough(work);
  };
  function fill(): void {
    while (!stop && active < SEGMENT_LANES && queue.length > 0) {
      active += 1;
      lanes.push(lane().finally(() => void (active -= 1)));
    }
  }

  fill();
  for (let settled = 0; settled < lanes.length; ) {
    const waiting = lanes.length;
    await Promise.all(lanes);
    settled = waiting;
  }
  return stop;
}
