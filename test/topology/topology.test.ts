/**
 * The production topology as processes, shortened, exactly as `npm run chaos -- --topology` runs it
 * (harness/chaos/topology-run.ts): a Temporal dev server, Postgres, the simulator throttled to Intuit's
 * limits, 3 `worker/main.ts` and 2 `api/main.ts` processes behind a load balancer. Connections whose
 * consent starts at one replica and whose callback lands on the other; a worker SIGKILLed mid-backfill
 * and replaced; every worker rolled onto a patched build while changes flow, old and new side by side;
 * a revocation and re-authorization across the replicas. Then records equal the snapshot, no workflow
 * failed, no 429, and the recorded runs of both builds replay (docs/rollout.md).
 */
import { describe, expect, it } from 'vitest';
import { runChaosCli } from '../../harness/chaos/cli.js';

const SEED = process.env.TOPOLOGY_SEED ?? '15';

describe('the production topology as processes', () => {
  it('syncs exactly through a crash, a rolling rollout and a revocation across replicas', { timeout: 420_000 }, async () => {
    let stdout = '';
    let stderr = '';
    const code = await runChaosCli(['--topology', '--seed', SEED, '--connections', '2', '--backfill-invoices', '3000'], {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
    });
    if (code !== 0) console.error(`${stdout}\n${stderr}`);
    expect(stdout).toMatch(/topology seed=\d+ ok/);
    expect(stdout).toMatch(/lost=0 duplicated=0 mismatched=0/);
    expect(stdout).toMatch(/failed_workflows=0 throttled_429=0/);
    expect(stdout).toMatch(/cross_replica_connects=6 /);
    expect(stdout).toMatch(/workers_rolled=3 /);
    expect(code).toBe(0);
  });
});
