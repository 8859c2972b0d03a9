/** Where a big entity's range is split (activities/entity-split.ts): even segments, each ending in a short page. */
import { describe, expect, it } from 'vitest';
import { findSplitTimes, slackFor, splitInstants, splitPositions } from '../../activities/entity-split.js';

const request = { maxSegments: 16, pagesPerSegment: 6 };

describe('splitting an entity', () => {
  it('leaves an entity of fewer than two segments’ pages whole', () => {
    expect(splitPositions(0, 1000, request)).toEqual([]);
    expect(splitPositions(11_000, 1000, request)).toEqual([]);
    expect(splitPositions(11_001, 1000, request)).toEqual([5995]);
  });

  it('cuts 60 pages into 10 segments of 6 pages, each a few records short of whole pages (room for the re-read second)', () => {
    const positions = splitPositions(60_000, 1000, request);
    expect(positions).toHaveLength(9);
    // One record of room a page: the first segment holds positions 1 … 5,994, the next starts at 5,995.
    expect(positions[0]).toBe(5995);
    expect(positions.slice(1).map((position, index) => position - positions[index]!)).toEqual(Array(8).fill(5994));
    // Three records of room a page (a second holds one record): 6 × 997.
    const roomier = splitPositions(60_000, 1000, request, slackFor(1));
    expect(roomier[1]! - roomier[0]!).toBe(6 * 997);
    // Never more than a tenth of a page.
    const capped = splitPositions(60_000, 1000, request, slackFor(500));
    expect(capped[1]! - capped[0]!).toBe(6 * 900);
  });

  it('caps the segments and keeps every position inside the entity', () => {
    const positions = splitPositions(1_000_000, 1000, request);
    expect(positions).toHaveLength(15);
    expect(positions.at(-1)).toBeLessThanOrEqual(1_000_000);
    expect(splitPositions(12_500, 1000, request)).toEqual([6994]);
  });

  it('keeps only instants that ascend after the watermark (ties and vanished records make no segment)', () => {
    const watermark = '2026-01-01T00:00:05.000Z';
    expect(splitInstants(['2026-01-01T00:00:04Z', '2026-01-01T00:00:05Z', '2026-01-01T01:00:06+01:00', undefined, '2026-01-01T00:00:06Z', '2026-01-01T00:00:09Z'], watermark)).toEqual([
      '2026-01-01T00:00:06.000Z',
      '2026-01-01T00:00:09.000Z',
    ]);
    expect(splitInstants(['2026-01-01T00:00:01Z'], null)).toEqual(['2026-01-01T00:00:01.000Z']);
  });

  it('asks one count, then the time at each split position', async () => {
    const asked: string[] = [];
    const times = await findSplitTimes(
      {
        count: async (entity, since) => (asked.push(`count ${entity} ${since}`), 30_000),
        timeAt: async (entity, since, position) => (asked.push(`time ${entity} ${since} ${position}`), `t${position}`),
      },
      'Invoice',
      'S',
      1000,
      request,
    );
    expect(asked).toEqual(['count Invoice S', 'time Invoice S 5995', 'time Invoice S 11989', 'time Invoice S 17983', 'time Invoice S 23977']);
    expect(times).toEqual(['t5995', 't11989', 't17983', 't23977']);
  });
});
