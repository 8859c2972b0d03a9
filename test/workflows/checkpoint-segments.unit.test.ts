/** A big entity split into time segments: how its cursors move, rewind and are mirrored (shared/checkpoint.ts). */
import { describe, expect, it } from 'vitest';
import { afterPage, entityCursors, entityProgress, initialCursor, mirrorAfterPage, newPass, remainingEntities, remainingSegments, rewindPass, splitEntity } from '../../shared/checkpoint.js';
import type { EntityCursor, SyncCheckpoint } from '../../shared/workflow-payloads.js';

const T = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
const read = (cursor: EntityCursor, watermark: string, done = false): EntityCursor => ({ ...cursor, watermark, pages: cursor.pages + 1, done });

/** A backfill whose Invoice first page ended at second 5 and that was split at seconds 20 and 40. */
function splitBackfill(): SyncCheckpoint {
  let checkpoint: SyncCheckpoint = { pass: newPass('backfill', ['Customer', 'Invoice'], null), changedSince: null };
  checkpoint = afterPage(checkpoint, 'Invoice', read(initialCursor(null), T(5)), T(100));
  return splitEntity(checkpoint, 'Invoice', [T(20), T(40)]);
}

describe('an entity split into segments', () => {
  it('keeps the first cursor where it stood, bounded by the first split; each later segment starts at its split, the last one open-ended', () => {
    const { pass } = splitBackfill();
    expect(entityCursors(pass!, 'Invoice')).toEqual([
      { ...initialCursor(T(5)), pages: 1, before: T(20) },
      { ...initialCursor(T(20)), before: T(40) },
      initialCursor(T(40)),
    ]);
    expect(remainingSegments(pass!)).toEqual([
      { entity: 'Customer', segment: 0 },
      { entity: 'Invoice', segment: 0 },
      { entity: 'Invoice', segment: 1 },
      { entity: 'Invoice', segment: 2 },
    ]);
  });

  it('refuses split points that do not ascend after the watermark, and a second split', () => {
    const base = splitBackfill();
    expect(() => splitEntity(base, 'Invoice', [T(50)])).toThrow(/already split/);
    let fresh: SyncCheckpoint = { pass: newPass('backfill', ['Invoice'], null), changedSince: null };
    fresh = afterPage(fresh, 'Invoice', read(initialCursor(null), T(30)), T(100));
    expect(() => splitEntity(fresh, 'Invoice', [T(30)])).toThrow(/ascend/);
    expect(() => splitEntity(fresh, 'Invoice', [T(50), T(45)])).toThrow(/ascend/);
    expect(splitEntity(fresh, 'Invoice', [])).toBe(fresh);
  });

  it('is done only when every segment is, and each segment moves on its own', () => {
    let checkpoint = splitBackfill();
    const [first, second, third] = entityCursors(checkpoint.pass!, 'Invoice') as [EntityCursor, EntityCursor, EntityCursor];
    checkpoint = afterPage(checkpoint, 'Invoice', read(second, T(39), true), T(90), 1);
    checkpoint = afterPage(checkpoint, 'Invoice', read(third, T(60), true), T(95), 2);
    checkpoint = afterPage(checkpoint, 'Customer', read(initialCursor(null), T(3), true), T(96));
    expect(remainingEntities(checkpoint.pass!)).toEqual(['Invoice']);
    expect(remainingSegments(checkpoint.pass!)).toEqual([{ entity: 'Invoice', segment: 0 }]);
    expect(checkpoint.pass!.startedAtServerTime).toBe(T(90));
    // What an operator is shown (`npm run ops -- status`): segments done of all, pages over all of them.
    expect(entityProgress(checkpoint.pass!, 'Invoice')).toEqual({ done: false, segments: 3, segmentsDone: 2, pages: 3, watermark: T(5) });
    expect(entityProgress(checkpoint.pass!, 'Customer')).toEqual({ done: true, segments: 1, segmentsDone: 1, pages: 1, watermark: T(3) });
    checkpoint = afterPage(checkpoint, 'Invoice', read(first, T(19), true), T(97), 0);
    expect(remainingEntities(checkpoint.pass!)).toEqual([]);
    expect(entityProgress(checkpoint.pass!, 'Invoice')).toMatchObject({ done: true, segmentsDone: 3, pages: 4 });
    expect(() => afterPage(checkpoint, 'Invoice', first, T(98), 3)).toThrow(/no segment 3/);
  });

  it('rewinds for a resync: from `since` when everything before it is read, else from the earliest unread position, as one cursor', () => {
    let checkpoint = splitBackfill();
    const [, second] = entityCursors(checkpoint.pass!, 'Invoice') as [EntityCursor, EntityCursor];
    // The first segment stands at second 5: a resync from second 10 must still read 5…10.
    const early = rewindPass(checkpoint.pass!, ['Invoice'], T(10));
    expect(entityCursors(early, 'Invoice')).toEqual([initialCursor(T(5))]);
    expect(early.segments).toBeUndefined();
    // Every segment read past second 2 (or done): start again at 2.
    checkpoint = afterPage(checkpoint, 'Invoice', read(second, T(39), true), T(90), 1);
    const late = rewindPass(checkpoint.pass!, ['Invoice'], T(2));
    expect(entityCursors(late, 'Invoice')).toEqual([initialCursor(T(2))]);
    // Other entities are left alone.
    expect(late.entities.Customer).toEqual(initialCursor(null));
  });
});

describe('the mirror of a split entity', () => {
  it('takes the workflow’s split whole the first time, then merges segment by segment as each lane writes its own', () => {
    const unsplit: SyncCheckpoint = afterPage({ pass: newPass('backfill', ['Customer', 'Invoice'], null), changedSince: null }, 'Invoice', read(initialCursor(null), T(5)), T(100));
    const split = splitBackfill();
    const [first, second, third] = entityCursors(split.pass!, 'Invoice') as [EntityCursor, EntityCursor, EntityCursor];

    // Segment 3's first page: the stored mirror knows no split yet, so the workflow's is written.
    const afterThird = afterPage(split, 'Invoice', read(third, T(45)), T(101), 2);
    let mirror = mirrorAfterPage(unsplit, afterThird, 'Invoice', 2);
    expect(entityCursors(mirror.pass!, 'Invoice').map((cursor) => cursor.watermark)).toEqual([T(5), T(20), T(45)]);

    // Segment 2's page was asked before segment 3's came back: its view of segment 3 is older, the mirror keeps the newer.
    const afterSecond = afterPage(split, 'Invoice', read(second, T(25)), T(102), 1);
    mirror = mirrorAfterPage(mirror, afterSecond, 'Invoice', 1);
    expect(entityCursors(mirror.pass!, 'Invoice').map((cursor) => cursor.watermark)).toEqual([T(5), T(25), T(45)]);

    // A page of another entity keeps Invoice's segments as stored.
    const customer = afterPage(split, 'Customer', read(initialCursor(null), T(3), true), T(103));
    mirror = mirrorAfterPage(mirror, customer, 'Customer');
    expect(entityCursors(mirror.pass!, 'Invoice').map((cursor) => cursor.watermark)).toEqual([T(5), T(25), T(45)]);
    expect(mirror.pass!.entities.Customer?.done).toBe(true);

    // And the first segment's page moves only the first segment.
    mirror = mirrorAfterPage(mirror, afterPage(split, 'Invoice', read(first, T(12)), T(104), 0), 'Invoice', 0);
    expect(entityCursors(mirror.pass!, 'Invoice').map((cursor) => cursor.watermark)).toEqual([T(12), T(25), T(45)]);
  });

  it('keeps an old-shaped mirror old-shaped (no segments) when nothing is split', () => {
    const pass = newPass('backfill', ['Invoice', 'Customer'], null);
    const stored: SyncCheckpoint = { pass, changedSince: null };
    const fresh = afterPage(stored, 'Invoice', read(initialCursor(null), T(5)), T(100));
    expect(mirrorAfterPage(stored, fresh, 'Invoice')).toEqual(fresh);
  });
});
