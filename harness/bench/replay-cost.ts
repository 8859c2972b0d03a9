/**
 * replay_cpu_ms_*: what a workflow-cache miss costs a worker. A worker that serves more connections than
 * it caches (10,000 connections over 3 workers with a cache of 300 each) replays the run's history at
 * nearly every cycle, so this cost, not the cycle's own work, is most of a large fleet's worker CPU
 * (docs/scaling.md). Recorded histories (test/fixtures/histories: an idle run of about a dozen cycles,
 * and a run whose interval changed) are replayed many times with the workflow bundle built ahead of time,
 * in a child process each: once with the SDK's stack-trace promise hook (WORKER_WORKFLOW_STACK_TRACES=on)
 * and once with the product's default (off). CPU per replay is the child's own (process.cpuUsage),
 * so the figures are a ratio measured in one run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnNodeProcess } from '../node-process.js';
import { PROJECT_ROOT } from '../../shared/paths.js';
import { below, type BenchContext, type BenchmarkResult } from './figures.js';
import { round } from './stats.js';

const HISTORIES = ['idle-continue-as-new-run-1.json', 'sync-interval.json'].map((name) => join(PROJECT_ROOT, 'test/fixtures/histories', name));

interface Measured {
  history: string;
  events: number;
  cpuMsPerReplay: number;
}

export async function replayCostBenchmark(context: BenchContext): Promise<BenchmarkResult> {
  const copies = context.quick ? 50 : 200;
  const dir = mkdtempSync(join(tmpdir(), 'replay-bench-'));
  try {
    const bundlePath = join(dir, 'workflow-bundle.js');
    await run('build-workflows', 'cli/build-workflows.ts', [bundlePath], {});
    const measure = async (stackTraces: 'on' | 'off') =>
      parse(await run(`replay-${stackTraces}`, 'harness/bench/replay-cost-child.ts', [bundlePath, String(copies), ...HISTORIES], { WORKER_WORKFLOW_STACK_TRACES: stackTraces }));
    const off = await measure('off');
    const on = await measure('on');
    context.log(`replay: ${off.map((entry) => `${entry.history} ${round(entry.cpuMsPerReplay, 1)} ms`).join(', ')} (stack traces off)`);
    const idleOff = off[0]!.cpuMsPerReplay;
    const idleOn = on[0]!.cpuMsPerReplay;
    return {
      figures: [
        { name: 'replay_cpu_ms_idle_run', value: round(idleOff, 1) },
        { name: 'replay_cpu_ms_idle_run_stack_traces_on', value: round(idleOn, 1) },
        // The patch of @temporalio/worker (patches/README.md) is what this holds: an upgrade that drops it shows here.
        { name: 'replay_cpu_ratio_default_vs_stack_traces', value: round(idleOff / idleOn, 2), target: below(0.9) },
      ],
      notes: [
        `each history replayed ${copies} times in one replay worker, after 20 warm-up replays; CPU of the child process (every thread) per replay: ` +
          off.map((entry, index) => `${entry.history} (${entry.events} events) ${round(entry.cpuMsPerReplay, 1)} ms by default, ${round(on[index]!.cpuMsPerReplay, 1)} ms with stack traces on`).join('; ') +
          '.',
      ],
      details: { off, on },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(label: string, entry: string, args: string[], env: Record<string, string>): Promise<string> {
  const child = spawnNodeProcess({ label, entry, args, env });
  const code = await child.exited;
  if (code !== '0') throw new Error(`${entry} exited with ${code}: ${child.output().slice(-2_000)}`);
  return child.output();
}

function parse(output: string): Measured[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{"history"'))
    .map((line) => JSON.parse(line) as Measured);
}
