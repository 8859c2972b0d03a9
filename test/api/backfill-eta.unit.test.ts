import { describe, expect, it } from 'vitest';
import { estimatedMsLeft, percent, timeLeftText } from '../../api/views/dashboard/backfill-eta.js';

const started = '2026-01-01T00:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(started) + seconds * 1000);

describe('the time a first backfill has left', () => {
  it('follows the pace so far', () => {
    expect(estimatedMsLeft({ stored: 1000, estimatedTotal: 4000, startedAt: started }, at(60))).toBe(180_000);
    expect(timeLeftText({ stored: 1000, estimatedTotal: 4000, startedAt: started }, at(60))).toBe('about 3 minutes left');
    expect(timeLeftText({ stored: 1000, estimatedTotal: 1100, startedAt: started }, at(60))).toBe('less than a minute left');
    expect(timeLeftText({ stored: 100, estimatedTotal: 100_000, startedAt: started }, at(60))).toBe('about 17 hours left');
  });

  it('does not guess from too little', () => {
    expect(timeLeftText({ stored: 5, estimatedTotal: 4000, startedAt: started }, at(60))).toBe('estimating the time left…');
    expect(timeLeftText({ stored: 500, estimatedTotal: 4000, startedAt: started }, at(1))).toBe('estimating the time left…');
    expect(timeLeftText({ stored: 500, estimatedTotal: 4000, startedAt: null }, at(60))).toBe('estimating the time left…');
  });

  it('gives whole percents, 100 for an empty company', () => {
    expect(percent({ stored: 333, estimatedTotal: 1000, startedAt: null })).toBe(33);
    expect(percent({ stored: 0, estimatedTotal: 0, startedAt: null })).toBe(100);
  });
});
