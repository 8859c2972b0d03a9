/**
 * simulator_*: the simulator must never be what a benchmark measures. A 100,000-record company is
 * generated, then 1,000-record pages of the incremental query are read near the start and deep in the
 * index (both fresh), the deep one again (from the body cache), and a COUNT(*) — each timed by the
 * simulator's own `service-time` header, so transport and our client are left out.
 */
import { createIntuitOAuth } from '../../quickbooks/oauth.js';
import { intuitEndpoints } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { startSimulator } from '../../simulator/index.js';
import { authorizeRealm } from '../connect.js';
import { below, type BenchContext, type BenchmarkResult } from './figures.js';
import { round } from './stats.js';

const APP = { clientId: 'bench-sim', clientSecret: 'bench-sim-secret', redirectUri: 'http://127.0.0.1:9/callback' };
const COMPANY = { seed: 100, invoices: 60_000, salesReceipts: 15_000, creditMemos: 5_000, refundReceipts: 2_000, payments: 12_500, customers: 5_000, items: 500 };
const SINCE = "MetaData.LastUpdatedTime >= '2000-01-01T00:00:00Z'";

export async function simulatorSpeedBenchmark(context: BenchContext): Promise<BenchmarkResult> {
  const simulator = await startSimulator({ apps: [{ clientId: APP.clientId, clientSecret: APP.clientSecret, redirectUris: [APP.redirectUri] }], config: { throttle: false } });
  try {
    const started = performance.now();
    const { realmId } = await simulator.control.createCompany(COMPANY);
    const generationMs = performance.now() - started;
    context.log(`simulator: 100k company generated in ${Math.round(generationMs)} ms`);
    const oauth = createIntuitOAuth({ ...APP, environment: 'sandbox', endpoints: intuitEndpoints('sandbox', simulator.url), logger: createLogger({ level: 'silent' }) });
    const { accessToken } = await authorizeRealm({ oauth }, realmId);
    const serviceMs = async (statement: string) => {
      const url = new URL(`${simulator.url}/v3/company/${realmId}/query`);
      url.searchParams.set('query', statement);
      url.searchParams.set('minorversion', '75');
      const response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`the simulator answered ${response.status} to ${statement}`);
      return Number(/total=(\d+)/.exec(response.headers.get('service-time') ?? '')?.[1]);
    };
    const page = (start: number) => serviceMs(`SELECT * FROM Invoice WHERE ${SINCE} ORDERBY MetaData.LastUpdatedTime STARTPOSITION ${start} MAXRESULTS 1000`);
    await page(1); // warms the JIT
    const fresh = await page(1001);
    const deep = await page(50_001);
    const cached = await page(50_001);
    const count = await serviceMs(`SELECT COUNT(*) FROM Invoice WHERE ${SINCE}`);
    return {
      figures: [
        { name: 'simulator_company_100k_generation_ms', value: Math.round(generationMs), target: below(6_000, ' ms') },
        { name: 'simulator_page_ms_fresh', value: round(fresh, 1), target: below(500, ' ms') },
        { name: 'simulator_page_ms_deep', value: round(deep, 1), target: below(500, ' ms') },
        { name: 'simulator_page_ms_cached', value: round(cached, 1), target: below(100, ' ms') },
        { name: 'simulator_count_ms', value: round(count, 1), target: below(200, ' ms') },
      ],
      notes: ['simulator: service time as the simulator reports it (`service-time` header), 1,000-invoice pages of a 100,000-record company, unthrottled.'],
    };
  } finally {
    await simulator.close();
  }
}
