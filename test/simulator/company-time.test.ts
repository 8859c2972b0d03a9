/** Company-local time (US Pacific, with daylight saving) and the durations the clock accepts. */
import { describe, expect, it } from 'vitest';
import { companyDate, formatCompanyTime, parseTimestamp } from '../../simulator/engine/company-time.js';
import { parseClockDuration } from '../../simulator/engine/iso-duration.js';

describe('company time', () => {
  it('formats instants in Pacific time with the offset in force, to the second', () => {
    expect(formatCompanyTime(Date.parse('2025-01-15T18:22:01.999Z'))).toBe('2025-01-15T10:22:01-08:00');
    expect(formatCompanyTime(Date.parse('2025-07-04T07:00:00Z'))).toBe('2025-07-04T00:00:00-07:00');
    expect(companyDate(Date.parse('2025-07-04T06:59:59Z'))).toBe('2025-07-03');
  });

  it('switches offsets at the US daylight-saving boundaries', () => {
    // 2025: daylight time from 9 March 10:00 UTC to 2 November 09:00 UTC.
    expect(formatCompanyTime(Date.parse('2025-03-09T09:59:59Z'))).toBe('2025-03-09T01:59:59-08:00');
    expect(formatCompanyTime(Date.parse('2025-03-09T10:00:00Z'))).toBe('2025-03-09T03:00:00-07:00');
    expect(formatCompanyTime(Date.parse('2025-11-02T08:59:59Z'))).toBe('2025-11-02T01:59:59-07:00');
    expect(formatCompanyTime(Date.parse('2025-11-02T09:00:00Z'))).toBe('2025-11-02T01:00:00-08:00');
  });

  it('parses timestamps with any offset, and reads ones without an offset in company time', () => {
    const instant = Date.parse('2025-03-04T18:22:01Z');
    for (const text of ['2025-03-04T10:22:01-08:00', '2025-03-04T18:22:01Z', '2025-03-04T23:52:01+05:30', '2025-03-04T10:22:01', '2025-03-04 10:22:01-0800']) {
      expect(parseTimestamp(text), text).toBe(instant);
    }
    expect(parseTimestamp('2025-07-01')).toBe(Date.parse('2025-07-01T07:00:00Z'));
    expect(parseTimestamp('2025-03-04T10:22:01.250Z')).toBe(Date.parse('2025-03-04T10:22:01.250Z'));
    for (const text of ['yesterday', '2025-02-30', '2025-13-01', '2025-03-04T25:00:00Z', '']) expect(parseTimestamp(text), text).toBeUndefined();
  });
});

describe('clock durations', () => {
  it('accepts ISO-8601 durations and the project\'s short forms', () => {
    expect(parseClockDuration('P31D')).toBe(31 * 86_400_000);
    expect(parseClockDuration('PT2H')).toBe(7_200_000);
    expect(parseClockDuration('P1DT2H30M')).toBe(95_400_000);
    expect(parseClockDuration('PT0.5S')).toBe(500);
    expect(parseClockDuration('P2W')).toBe(14 * 86_400_000);
    expect(parseClockDuration('90m')).toBe(5_400_000);
  });

  it('refuses anything that is not a positive duration', () => {
    for (const text of ['P', 'PT', 'P1DT', '-P1D', 'PT0S', '1 day', '']) expect(parseClockDuration(text), text).toBeUndefined();
  });
});
