import { describe, expect, it } from 'vitest';
import { plural, sourcesSummary } from '../../api/views/dashboard/wording-counts.js';

describe('counts on the dashboard', () => {
  it('read naturally for one and for many', () => {
    expect(sourcesSummary(1, 0)).toBe('1 data source connected.');
    expect(sourcesSummary(1, 1)).toBe('1 data source connected; 1 needs your attention.');
    expect(sourcesSummary(3, 2)).toBe('3 data sources connected; 2 need your attention.');
    expect(sourcesSummary(1200, 0)).toBe('1,200 data sources connected.');
    expect(plural(1, 'record', 'records')).toBe('1 record');
    expect(plural(0, 'record', 'records')).toBe('0 records');
  });
});
