/**
 * `npm run chaos -- --runs N --seed S [--connections C] [--duration D] [--workers W] [--keep] [--quiet]`:
 * N chaos runs with seeds S, S+1, … (see chaos-run.ts), one summary line each, then
 * `runs=N lost=… duplicated=… mismatched=…`; the exit code is 1 when any run lost, doubled or
 * mis-stored a record (or could not finish), and the seeds of those runs are printed to replay them.
 * `npm run chaos -- --topology [--seed S] [--connections C] [--backfill-invoices N]`: the production
 * topology as processes instead (topology-run.ts): 3 workers, 2 API replicas, a rolling rollout.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../../shared/duration.js';
import { PROJECT_ROOT } from '../../shared/paths.js';
import { buildWorkflowBundle, quietBundlerLogger } from '../../worker/workflow-bundle.js';
import { runChaos } from './chaos-run.js';
import { runTopology, topologySummaryLine } from './topology-run.js';
import type { ChaosRunResult } from './types.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const USAGE = `usage: npm run chaos -- [--runs N] [--seed S] [--connections C] [--duration 20s] [--workers 1|2] [--workflow-bundle PATH] [--keep] [--quiet]
  --runs         runs to make (default 1), with seeds S, S+1, …
  --seed         first seed (default: from the clock; printed, so a run can be replayed)
  --connections  connections syncing in each run (default 3)
  --duration     length of each run's chaos phase (default 20s); setup and convergence come on top
  --workers      worker processes (default: 1 or 2, drawn from the seed)
  --workflow-bundle  a bundle from \`npm run build:workflows\` for the workers (default: one built once, at the start)
  --keep         keep each run's folder under .cache/chaos (failed runs are always kept)
  --quiet        only the summary lines
  --topology     the production topology instead (3 worker and 2 API processes behind a load balancer, a worker
                 SIGKILLed mid-backfill, a rolling restart onto a patched build, a revocation across replicas);
                 --connections is then the small companies connected at the start (default 4), and
  --backfill-invoices  the invoices of its large company (default 20000)`;

export async function runChaosCli(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        runs: { type: 'string', default: '1' },
        seed: { type: 'string' },
        connections: { type: 'string', default: '3' },
        duration: { type: 'string', default: '20s' },
        workers: { type: 'string' },
        'workflow-bundle': { type: 'string' },
        keep: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        topology: { type: 'boolean', default: false },
        'backfill-invoices': { type: 'string' },
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
  const runs = positiveInt(values.runs);
  const connections = positiveInt(values.connections);
  const durationMs = parseDuration(values.duration);
  const workers = values.workers === undefined ? undefined : positiveInt(values.workers);
  const firstSeed = values.seed === undefined ? Date.now() % 1_000_000 : Number(values.seed);
  if (runs === undefined || connections === undefined || durationMs === undefined || !Number.isInteger(firstSeed) || firstSeed < 0 || (workers !== undefined && workers > 2)) {
    io.stderr(`invalid arguments\n${USAGE}\n`);
    return 2;
  }

  if (values.topology) return runTopologyCli({ seed: firstSeed, companies: argv.includes('--connections') ? connections : undefined, backfillInvoices: values['backfill-invoices'] === undefined ? undefined : positiveInt(values['backfill-invoices']), keep: values.keep, quiet: values.quiet }, io);

  io.stdout(`chaos: ${runs} run(s) from seed ${firstSeed}, ${connections} connections, ${durationMs / 1000} s of chaos each\n`);
  // Workers load a bundle built once, as production workers load the image's: a restarted worker polls
  // within a second or two instead of bundling with webpack first.
  const builtBundle = values['workflow-bundle'] ? undefined : join(PROJECT_ROOT, '.cache', 'chaos', `workflow-bundle-${process.pid}.js`);
  if (builtBundle) await buildWorkflowBundle(builtBundle, quietBundlerLogger((message) => io.stderr(`${message}\n`)));
  const results: ChaosRunResult[] = [];
  try {
    for (let index = 0; index < runs; index++) {
      const result = await runChaos({
        seed: firstSeed + index,
        connections,
        durationMs,
        workers,
        workflowBundlePath: values['workflow-bundle'] ?? builtBundle,
        keepArtifacts: values.keep,
        log: values.quiet ? undefined : (line) => io.stderr(`${line}\n`),
      });
      results.push(result);
      io.stdout(`${summaryLine(result)}\n`);
      if (result.error) io.stderr(`seed ${result.seed}: ${result.error}\n`);
    }
  } finally {
    if (builtBundle) for (const file of [builtBundle, `${builtBundle}.json`]) rmSync(file, { force: true });
  }
  io.stdout(`${totalsLine(results)}\n`);
  const failed = results.filter((result) => !result.ok);
  if (failed.length > 0) io.stdout(`failing seeds: ${failed.map((result) => result.seed).join(' ')} (replay one with --runs 1 --seed S)\n`);
  return failed.length > 0 ? 1 : 0;
}

async function runTopologyCli(
  options: { seed: number; companies: number | undefined; backfillInvoices: number | undefined; keep: boolean; quiet: boolean },
  io: CliIo,
): Promise<number> {
  io.stdout(`chaos --topology: seed ${options.seed}\n`);
  const result = await runTopology({
    seed: options.seed,
    companies: options.companies,
    backfillInvoices: options.backfillInvoices,
    keepArtifacts: options.keep,
    log: options.quiet ? undefined : (line) => io.stderr(`${line}\n`),
  });
  io.stdout(`${topologySummaryLine(result)}\n`);
  if (result.error) io.stderr(`seed ${result.seed}: ${result.error}\n`);
  return result.ok ? 0 : 1;
}

export function summaryLine(result: ChaosRunResult): string {
  const events = Object.entries(result.events).map(([kind, count]) => `${kind}=${count}`).join(' ');
  return [
    `run seed=${result.seed} ${result.ok ? 'ok' : 'FAILED'}`,
    `lost=${result.lost} duplicated=${result.duplicated} mismatched=${result.mismatched} live=${result.live}`,
    events,
    `parks=${result.parks} revocations=${result.revocations} unexpected_parks=${result.unexpectedParks} worker_exits=${result.workerCrashes}` +
      (result.workerCrashes > 0 ? ` (${Object.entries(result.workerExitReasons).map(([reason, count]) => `${count}× ${reason}`).join(', ')})` : ''),
    `api_requests=${result.apiRequests} faulted=${result.faultedRequests}`,
    `setup=${seconds(result.setupMs)} chaos=${seconds(result.chaosMs)} converge=${seconds(result.convergeMs)} total=${seconds(result.totalMs)}`,
    ...(result.artifacts ? [`artifacts=${result.artifacts}`] : []),
  ].join(' | ');
}

export function totalsLine(results: ChaosRunResult[]): string {
  const sum = (pick: (result: ChaosRunResult) => number) => results.reduce((total, result) => total + pick(result), 0);
  return `runs=${results.length} lost=${sum((result) => result.lost)} duplicated=${sum((result) => result.duplicated)} mismatched=${sum((result) => result.mismatched)}`;
}

function positiveInt(value: string): number | undefined {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : undefined;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
