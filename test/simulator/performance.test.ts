/**
 * Benchmarks measure our sync against the simulator, so the simulator must not be the bottleneck: a
 * 100,000-record company is generated in about two seconds, and a 1,000-record page of the incremental
 * query is found by binary search (deep pages cost about what the first one does) and, once built, is
 * served from cached JSON. Bounds are generous: shared CI machines are slow and noisy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/index.js';
import { connect, query, rows, startTestSimulator } from './support.js';

const BIG = { seed: 100, invoices: 60_000, salesReceipts: 15_000, creditMemos: 5_000, refundReceipts: 2_000, payments: 12_500, customers: 5_000, items: 500 };
let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startTestSimulator({ config: { throttle: false } });
});

afterAll(async () => {
  await simulator.close();
});

function serviceTime(headers: Headers): number {
  return Number(/total=(\d+)/.exec(headers.get('service-time') ?? '')?.[1]);
}

describe('performance', () => {
  it('generates a 100,000-record company in about two seconds and pages through it in 1,000-record pages', async () => {
    const started = performance.now();
    const { realmId } = await simulator.control.createCompany(BIG);
    const generationMs = performance.now() - started;
    expect(generationMs).toBeLessThan(6_000);

    const { accessToken } = await connect(simulator, realmId);
    const page = (start: number) =>
      query(simulator, realmId, accessToken, `SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime >= '2000-01-01T00:00:00Z' ORDERBY MetaData.LastUpdatedTime STARTPOSITION ${start} MAXRESULTS 1000`);

    // Warm up the JIT on a first page, then time fresh pages near the start and deep in the index.
    expect(rows(await page(1), 'Invoice')).toHaveLength(1000);
    const early = await page(1001);
    const deep = await page(50_001);
    expect(rows(early, 'Invoice')).toHaveLength(1000);
    expect(rows(deep, 'Invoice')).toHaveLength(1000);
    expect(serviceTime(early.headers)).toBeLessThan(500);
    expect(serviceTime(deep.headers)).toBeLessThan(500);

    // The same page again comes from the body cache.
    const again = await page(50_001);
    expect(again.body).toEqual({ ...deep.body, time: again.body.time });
    expect(serviceTime(again.headers)).toBeLessThan(100);

    const count = await query(simulator, realmId, accessToken, "SELECT COUNT(*) FROM Invoice WHERE MetaData.LastUpdatedTime >= '2000-01-01T00:00:00Z'");
    expect(serviceTime(count.headers)).toBeLessThan(200);
    console.log(`100k company: generated in ${Math.round(generationMs)} ms; 1,000-invoice page: ${serviceTime(early.headers)} ms fresh (start), ${serviceTime(deep.headers)} ms fresh (position 50,001), ${serviceTime(again.headers)} ms cached`);
  });
});
