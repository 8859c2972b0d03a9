/**
 * A 100,000-record company behaves like a small one: full 1,000-record pages near the start and deep in
 * the index, a page read twice answers the same records (the second time from the body cache), and
 * COUNT(*) agrees with what was created. How fast it does so is `npm run bench -- --only simulator`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/index.js';
import { connect, query, rows, startTestSimulator } from './support.js';

const BIG = { seed: 100, invoices: 60_000, salesReceipts: 15_000, creditMemos: 5_000, refundReceipts: 2_000, payments: 12_500, customers: 5_000, items: 500 };
const SINCE = "MetaData.LastUpdatedTime >= '2000-01-01T00:00:00Z'";
let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startTestSimulator({ config: { throttle: false } });
});

afterAll(async () => {
  await simulator.close();
});

describe('a 100,000-record company', () => {
  it('pages in full 1,000-record pages anywhere in its index, and a page read again is the same page', async () => {
    const { realmId } = await simulator.control.createCompany(BIG);
    const { accessToken } = await connect(simulator, realmId);
    const page = (start: number) => query(simulator, realmId, accessToken, `SELECT * FROM Invoice WHERE ${SINCE} ORDERBY MetaData.LastUpdatedTime STARTPOSITION ${start} MAXRESULTS 1000`);

    const early = await page(1001);
    const deep = await page(50_001);
    expect(rows(early, 'Invoice')).toHaveLength(1000);
    expect(rows(deep, 'Invoice')).toHaveLength(1000);
    expect(rows(early, 'Invoice')[0]).not.toEqual(rows(deep, 'Invoice')[0]);
    const again = await page(50_001);
    expect(again.body).toEqual({ ...deep.body, time: again.body.time });

    // Deleted invoices (about 1%) are not counted and not paged: the last page ends exactly at the count.
    const count = await query(simulator, realmId, accessToken, `SELECT COUNT(*) FROM Invoice WHERE ${SINCE}`);
    const total = (count.body as { QueryResponse: { totalCount: number } }).QueryResponse.totalCount;
    expect(total).toBeGreaterThan(BIG.invoices * 0.95);
    expect(total).toBeLessThanOrEqual(BIG.invoices);
    expect(rows(await page(total - 499), 'Invoice')).toHaveLength(500);
    expect(rows(await page(total + 1), 'Invoice')).toHaveLength(0);
  });
});
