import { describe, expect, it } from 'vitest';
import { advanceCursor, initialCursor, isAlreadyStored, MAX_TRACKED_IDS, OVERLAP, startPositionFor, type PagedRecord } from '../../activities/entity-cursor.js';

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));
const records = (second: number, ids: number[]): PagedRecord[] => ids.map((id) => ({ qboId: String(id), lastUpdatedTime: at(second) }));
const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => from + index);

describe('paging one entity by LastUpdatedTime', () => {
  it('remembers the ids stored in the newest second so the next page can skip them', () => {
    const page = [...records(1, [1, 2]), ...records(2, [3, 4])];
    const cursor = advanceCursor(initialCursor(), page, 1, 4);
    expect(cursor).toMatchObject({ watermark: at(2).toISOString(), idsAtWatermark: ['3', '4'], countAtWatermark: 2, done: false, pages: 1 });
    expect(startPositionFor(cursor)).toBe(1);
    expect(isAlreadyStored(cursor, { qboId: '3', lastUpdatedTime: at(2) })).toBe(true);
    expect(isAlreadyStored(cursor, { qboId: '5', lastUpdatedTime: at(2) })).toBe(false);
  });

  it('does not skip a record when a stored neighbour of its second was updated between pages', () => {
    // Page 1 stored A(1) and B(1) of a second holding A, B, C. Then A is updated and moves to second 9.
    const first = advanceCursor(initialCursor(), records(1, [1, 2]), 1, 2);
    expect(startPositionFor(first)).toBe(1);
    // Asked again from the start of second 1: B (known, skipped), C (new), A' (new).
    const secondPage = [...records(1, [2, 3]), ...records(9, [1])];
    const fresh = secondPage.filter((record) => !isAlreadyStored(first, record));
    expect(fresh.map((record) => record.qboId)).toEqual(['3', '1']);
  });

  it('is done after a short page and keeps its position', () => {
    const cursor = advanceCursor(initialCursor(), records(5, [1]), 1, 1000);
    expect(cursor.done).toBe(true);
    expect(advanceCursor(cursor, [], 1, 1000)).toMatchObject({ watermark: at(5).toISOString(), done: true, pages: 2 });
  });

  it('moves through a second holding more records than a page by position, with an overlap', () => {
    const pageSize = 1000;
    let cursor = advanceCursor(initialCursor(), records(7, range(1, pageSize)), 1, pageSize);
    expect(cursor.countAtWatermark).toBe(pageSize);
    expect(cursor.idsAtWatermark).toEqual([]);
    const start = startPositionFor(cursor);
    expect(start).toBe(pageSize - OVERLAP + 1);

    cursor = advanceCursor(cursor, records(7, range(start, pageSize)), start, pageSize);
    expect(cursor.countAtWatermark).toBe(start - 1 + pageSize);
    expect(cursor.done).toBe(false);

    const tail = startPositionFor(cursor);
    cursor = advanceCursor(cursor, [...records(7, range(tail, 150)), ...records(8, [5000])], tail, pageSize);
    expect(cursor).toMatchObject({ watermark: at(8).toISOString(), idsAtWatermark: ['5000'], countAtWatermark: 1, done: true });
    expect(startPositionFor(cursor)).toBe(1);
  });

  it('stops tracking ids once a second holds too many of them', () => {
    const cursor = advanceCursor(initialCursor(), records(3, range(1, MAX_TRACKED_IDS)), 1, 1000);
    expect(cursor).toMatchObject({ idsAtWatermark: [], countAtWatermark: MAX_TRACKED_IDS, done: true });
  });
});
