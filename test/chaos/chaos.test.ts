/**
 * One short chaos run, exactly as `npm run chaos` makes it (harness/chaos): two connections sync on a
 * stack of their own (Temporal on a SQLite file, Postgres, the simulator, production worker processes)
 * while workers and the Temporal server are SIGKILLed, Postgres connections are cut, QuickBooks fails
 * and revokes grants, and the books change; at the end every record must equal QuickBooks' snapshot.
 * CHAOS_SEED picks another schedule (the default is fixed so a failure reproduces).
 */
import { describe, expect, inject, it } from 'vitest';
import { runChaosCli } from '../../harness/chaos/cli.js';

const SEED = process.env.CHAOS_SEED ?? '7001';

describe('chaos', () => {
  it('loses, doubles and mis-stores nothing through kills, cut connections, faults and revocations', { timeout: 300_000 }, async () => {
    let stdout = '';
    let stderr = '';
    // The workers load the run's prebuilt bundle, as `npm run chaos` workers load the one it builds.
    const bundle = inject('workflowBundlePath');
    const code = await runChaosCli(['--runs', '1', '--seed', SEED, '--connections', '2', '--duration', '12s', '--workflow-bundle', bundle], {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
    });
    if (code !== 0) console.error(`${stdout}\n${stderr}`);
    expect(stdout).toContain('runs=1 lost=0 duplicated=0 mismatched=0');
    expect(stdout).toMatch(/run seed=\d+ ok/);
    expect(code).toBe(0);
  });
});
