import { describe, expect, it } from 'vitest';
import { initialCursor } from '../../shared/checkpoint.js';
import { advanceCursor, isAlreadyStored, overlapFor, startPositionFor, trackedIdsLimit, type PagedRecord } from '../../activities/entity-cursor.js';

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));
const records = (second: number, ids: number[]): PagedRecord[] => ids.map((id) => ({ qboId: String(id), lastUpdatedTime: at(second) }));
const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => from + index);

describe('paging one entity by LastUpdatedTime', () => {
  it('remembers the ids stored in the newest second so the next page can skip them', () => {
    const page = [...records(1, range(1, 8)), ...records(2, [9, 10])];
    const cursor = advanceCursor(initialCursor(), page, 1, 10);
    expect(cursor).toMatchObject({ watermark: at(2).toISOString(), idsAtWatermark: ['9', '10'], countAtWatermark: 2, done: false, pages: 1 });
    expect(startPositionFor(cursor, 10)).toBe(1);
    expect(isAlreadyStored(cursor, { qboId: '9', lastUpdatedTime: at(2) })).toBe(true);
    expect(isAlreadyStored(cursor, { qboId: '11', lastUpdatedTime: at(2) })).toBe(false);
  });

  it('does not skip a record when a stored neighbour of its second was updated between pages', () => {
    // Page 1 ends with A(id 9) and B(id 10) of second 2, which also holds C(id 11). Then A is updated and moves to second 9.
    const first = advanceCursor(initialCursor(), [...records(1, range(1, 8)), ...records(2, [9, 10])], 1, 10);
    expect(startPositionFor(first, 10)).toBe(1);
    // Asked again from the start of second 2: B (known, skipped), C (new), A' (new).
    const secondPage = [...records(2, [10, 11]), ...records(9, [9])];
    const fresh = secondPage.filter((record) => !isAlreadyStored(first, record));
    expect(fresh.map((record) => record.qboId)).toEqual(['11', '9']);
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
    const start = startPositionFor(cursor, pageSize);
    expect(start).toBe(pageSize - overlapFor(pageSize) + 1);

    cursor = advanceCursor(cursor, records(7, range(start, pageSize)), start, pageSize);
    expect(cursor.countAtWatermark).toBe(start - 1 + pageSize);
    expect(cursor.done).toBe(false);

    const tail = startPositionFor(cursor, pageSize);
    cursor = advanceCursor(cursor, [...records(7, range(tail, 150)), ...records(8, [5000])], tail, pageSize);
    expect(cursor).toMatchObject({ watermark: at(8).toISOString(), idsAtWatermark: ['5000'], countAtWatermark: 1, done: true });
    expect(startPositionFor(cursor)).toBe(1);
  });

  it('stops tracking ids once a second holds too many of them', () => {
    const cursor = advanceCursor(initialCursor(), records(3, range(1, trackedIdsLimit(1000))), 1, 1000);
    expect(cursor).toMatchObject({ idsAtWatermark: [], countAtWatermark: trackedIdsLimit(1000), done: true });
  });

  it.each([2, 3, 10, 25, 1000])('always moves forward through a second larger than the page (page size %i)', (pageSize) => {
    // QuickBooks' ordering: 80 records in second 5 (ids 1-80), then ids 81-90 one second each.
    const truth = [...records(5, range(1, 80)), ...range(81, 10).map((id) => ({ qboId: String(id), lastUpdatedTime: at(id) }))];
    const stored = new Set<string>();
    let cursor = initialCursor();
    for (let page = 0; !cursor.done; page++) {
      expect(page).toBeLessThan(200);
      const start = startPositionFor(cursor, pageSize);
      const from = cursor.watermark ? truth.findIndex((record) => record.lastUpdatedTime.getTime() >= Date.parse(cursor.watermark!)) : 0;
      const answer = truth.slice(from + start - 1, from + start - 1 + pageSize);
      for (const record of answer) if (!isAlreadyStored(cursor, record)) stored.add(record.qboId);
      cursor = advanceCursor(cursor, answer, start, pageSize);
    }
    expect(stored.size).toBe(truth.length);
  });
});
