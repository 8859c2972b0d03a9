/**
 * `npm run bench [-- --only name1,name2] [-- --quick] [-- --profile]`: runs the benchmarks (each on a
 * stack of its own), prints one `name=value` line per figure as it is measured, then every figure next
 * to its target and whether it is met, the notes on method, and writes all of it as JSON to
 * `bench-results/bench-<timestamp>.json` and `bench-results/latest.json`. `--only` takes benchmark
 * names (backfill, throttled, throttled_fleet, resume, idle, failing, parked, fleet, replay, parked_fleet) or figure names.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../../shared/duration.js';
import { backfillBenchmark } from './backfill.js';
import { failingBenchmark } from './failing.js';
import type { BenchContext, BenchmarkResult, BenchOptions, Figure } from './figures.js';
import { fleetBenchmark } from './fleet.js';
import { idleBenchmark } from './idle.js';
import { parkedBenchmark } from './parked.js';
import { parkedFleetBenchmark } from './parked-fleet.js';
import { machineLoad } from './proc.js';
import { RESULTS_DIR, takeProfileSummaries } from './profiles.js';
import { replayCostBenchmark } from './replay-cost.js';
import { resumeBenchmark } from './resume.js';
import { simulatorSpeedBenchmark } from './simulator-speed.js';
import { throttledBenchmark } from './throttled.js';
import { throttledFleetBenchmark } from './throttled-fleet.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

interface Benchmark {
  name: string;
  figures: string[];
  run: (context: BenchContext) => Promise<BenchmarkResult>;
}

export const BENCHMARKS: Benchmark[] = [
  { name: 'backfill', figures: ['backfill_records_per_s', 'storage_ceiling_records_per_s', 'backfill_vs_ceiling', 'backfill_vs_bound', 'backfill_vs_limit', 'worker_cpu_us_per_record', 'postgres_cpu_us_per_record', 'worker_rss_peak_mib', 'pglite_storage_records_per_s', 'pglite_node_path_records_per_s', 'pglite_vs_node_path'], run: backfillBenchmark },
  { name: 'throttled', figures: ['throttled_backfill_ratio', 'throttled_backfill_429s'], run: throttledBenchmark },
  {
    name: 'throttled_fleet',
    figures: ['throttled_fleet_client_ratio', 'throttled_fleet_client_429s', 'throttled_fleet_backfill_ratio', 'throttled_fleet_backfill_429s'],
    run: throttledFleetBenchmark,
  },
  { name: 'resume', figures: ['resume_latency_ms_p50', 'resume_latency_ms_p99', 'signal_roundtrip_ms_p50', 'resume_from_signal_ms_p50', 'resume_from_signal_ms_p99'], run: resumeBenchmark },
  { name: 'idle', figures: ['idle_cycle_history_events', 'idle_cycle_qbo_requests'], run: idleBenchmark },
  { name: 'failing', figures: ['failing_cycle_query_ms_p50', 'failing_cycle_query_ms_max'], run: failingBenchmark },
  { name: 'parked', figures: ['parked_qbo_requests_per_hour', 'parked_history_events_per_hour'], run: parkedBenchmark },
  {
    name: 'fleet',
    figures: ['fleet_connections', 'fleet_workers', 'fleet_cycle_lag_s_p99', 'worker_rss_mb', 'fleet_worker_max_cached_workflows', 'fleet_workers_cpu_pct', 'fleet_temporal_cpu_pct', 'fleet_postgres_cpu_pct'],
    run: fleetBenchmark,
  },
  {
    name: 'simulator',
    figures: ['simulator_company_100k_generation_ms', 'simulator_page_ms_fresh', 'simulator_page_ms_deep', 'simulator_page_ms_cached', 'simulator_count_ms'],
    run: simulatorSpeedBenchmark,
  },
  { name: 'replay', figures: ['replay_cpu_ms_idle_run', 'replay_cpu_ms_idle_run_stack_traces_on', 'replay_cpu_ratio_default_vs_stack_traces'], run: replayCostBenchmark },
  { name: 'parked_fleet', figures: ['parked_worker_rss_mb', 'parked_worker_rss_mb_after_restart', 'parked_worker_max_cached_workflows'], run: parkedFleetBenchmark },
];

const USAGE = `usage: npm run bench -- [--only NAME[,NAME…]] [--quick] [--profile] [--fleet-connections N] [--fleet-interval 15m] [--fleet-workers W]
                        [--parked-connections N] [--backfill-records N] [--throttled-records N] [--throttled-limits 450,500]
                        [--worker-max-cached N] [--worker-heap-mb N]
  benchmarks: ${BENCHMARKS.map((benchmark) => benchmark.name).join(', ')} (or any figure name)
  --quick     small sizes (minutes, not an hour); the figures are then indicative only
  --profile   write V8 CPU profiles of the worker processes to bench-results/profiles
  --worker-max-cached N  fleet and parked_fleet run the worker with maxCachedWorkflows N (WORKER_MAX_CACHED_WORKFLOWS; default 300)
  --worker-heap-mb N     fleet, parked_fleet and backfill run the worker with --max-old-space-size=N`;

export async function runBenchCli(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        only: { type: 'string' },
        quick: { type: 'boolean', default: false },
        profile: { type: 'boolean', default: false },
        'fleet-connections': { type: 'string' },
        'fleet-interval': { type: 'string' },
        'fleet-workers': { type: 'string' },
        'parked-connections': { type: 'string' },
        'backfill-records': { type: 'string' },
        'throttled-records': { type: 'string' },
        'throttled-limits': { type: 'string' },
        'worker-max-cached': { type: 'string' },
        'worker-heap-mb': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const wanted = values.only?.split(',').map((name) => name.trim()).filter(Boolean);
  const selected = wanted ? BENCHMARKS.filter((benchmark) => wanted.includes(benchmark.name) || benchmark.figures.some((figure) => wanted.includes(figure))) : BENCHMARKS;
  const unknown = (wanted ?? []).filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name || benchmark.figures.includes(name)));
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const options: BenchOptions = {
    fleetConnections: number(values['fleet-connections']),
    fleetIntervalMs: values['fleet-interval'] === undefined ? undefined : parseDuration(values['fleet-interval']),
    fleetWorkers: number(values['fleet-workers']),
    parkedConnections: number(values['parked-connections']),
    backfillRecords: number(values['backfill-records']),
    throttledRecords: number(values['throttled-records']),
    throttledLimits: values['throttled-limits']?.split(',').map(Number),
    workerMaxCached: number(values['worker-max-cached']),
    workerHeapMb: number(values['worker-heap-mb']),
    profile: values.profile,
  };
  const invalidNumber = Object.entries(options).some(([key, value]) => key !== 'profile' && value !== undefined && (Array.isArray(value) ? value.some((item) => !(item > 0)) : !((value as number) > 0)));
  if (unknown.length > 0 || selected.length === 0 || invalidNumber || (values['fleet-interval'] !== undefined && options.fleetIntervalMs === undefined)) {
    io.stderr(`${unknown.length > 0 ? `unknown benchmark ${unknown.join(', ')}\n` : 'invalid arguments\n'}${USAGE}\n`);
    return 2;
  }

  const startedAt = new Date();
  const loadBefore = machineLoad();
  const figures = new Map<string, number>();
  const measured: Figure[] = [];
  const notes: Record<string, string[]> = {};
  const details: Record<string, unknown> = {};
  const failures: Record<string, string> = {};
  io.stdout(`# bench ${values.quick ? '--quick ' : ''}on ${cpus().length} CPUs, ${Math.round(totalmem() / 2 ** 30)} GiB, load ${loadBefore.loadavg.join(' ')} — ${selected.map((benchmark) => benchmark.name).join(', ')}\n`);
  for (const benchmark of selected) {
    const began = Date.now();
    io.stderr(`# ${benchmark.name}…\n`);
    try {
      const result = await benchmark.run({ quick: values.quick, log: (line) => io.stderr(`  ${line}\n`), figures, options });
      for (const figure of result.figures) {
        figures.set(figure.name, figure.value);
        measured.push(figure);
        io.stdout(`${figure.name}=${figure.value}\n`);
      }
      notes[benchmark.name] = [...result.notes, ...takeProfileSummaries()];
      if (result.details) details[benchmark.name] = result.details;
    } catch (error) {
      failures[benchmark.name] = (error as Error).stack ?? String(error);
      io.stderr(`# ${benchmark.name} failed: ${failures[benchmark.name]}\n`);
    }
    io.stderr(`# ${benchmark.name} took ${Math.round((Date.now() - began) / 1000)} s\n`);
  }

  const targets = measured.map((figure) => ({
    name: figure.name,
    value: figure.value,
    target: figure.target?.text ?? null,
    met: figure.target ? figure.target.met(figure.value, figures) : null,
  }));
  io.stdout('\n# figure — target — met\n');
  for (const target of targets) io.stdout(`# ${target.name}=${target.value}${target.target ? ` — target ${target.target} — ${target.met ? 'met' : 'MISSED'}` : ''}\n`);
  for (const [name, lines] of Object.entries(notes)) {
    io.stdout(`\n# ${name}\n`);
    for (const line of lines) io.stdout(`#   ${line}\n`);
  }
  for (const [name, failure] of Object.entries(failures)) io.stdout(`\n# ${name} FAILED: ${failure.split('\n')[0]}\n`);

  const finishedAt = new Date();
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    quick: values.quick,
    argv,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, totalMemoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadBefore: loadBefore.loadavg, loadAfter: machineLoad().loadavg },
    figures: Object.fromEntries(figures),
    targets,
    notes,
    failures,
    details,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  io.stdout(`\n# written to ${file} and bench-results/latest.json\n`);
  return Object.keys(failures).length > 0 ? 1 : 0;
}
