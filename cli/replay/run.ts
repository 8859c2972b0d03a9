/**
 * `npm run replay`: replays workflow histories (files, or fetched from Temporal) against the current
 * workflow code — or another workflows entry with `--workflows` — and reports any non-determinism.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { ConfigError, loadConfig } from '../../shared/config.js';
import { bundleWorkflows, replayHistories, type HistorySource, type ReplayResult } from '../../replay/replay.js';
import { fetchHistories, readHistoryFiles, type UnreadableInput } from '../../replay/sources.js';
import { temporalConnectionOptions } from '../../shared/temporal-connection.js';
import { DEFAULT_WORKFLOWS_PATH, formatResult, REPLAY_EXIT } from '../../replay/report.js';
import { withRunningStackDefaults } from '../../local/running-stack.js';

export const REPLAY_USAGE = `Usage:
  npm run replay -- FILE.json [FILE.json | FOLDER …]
  npm run replay -- --workflow-id ID [--run-id RUN | --all-runs]
  npm run replay -- --query "WorkflowType='quickBooksConnectionWorkflow' AND ExecutionStatus='Running'" [--limit N]

Replays each history against the workflow code and reports any non-determinism.
Files are JSON as \`temporal workflow show --workflow-id ID --output json\` prints it (or the Web UI's download);
a folder stands for its *.json files. Histories from the server use TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE,
or, unset, the Temporal of the stack \`npm start\` runs on DATA_DIR (default .data).

Options:
  --workflow-id ID   fetch that workflow's history (latest run; repeatable)
  --run-id RUN       that run instead of the latest (with one --workflow-id)
  --all-runs         every run of the workflow id: the whole continue-as-new chain
  --query QUERY      every workflow a visibility query matches (latest run each)
  --limit N          at most N workflows from --query (default 100)
  --workflows PATH   replay against this workflows entry instead of workflows/index.ts (prove a fix, or a break)
  --address HOST:PORT, --namespace NS   override TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE
  --json             print the results as JSON
  -h, --help

Exit status: 0 deterministic, 1 a history diverged, 2 bad arguments or unreadable input, 3 Temporal or the workflow code unavailable.
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

function parse(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      'workflow-id': { type: 'string', multiple: true },
      'run-id': { type: 'string' },
      'all-runs': { type: 'boolean' },
      query: { type: 'string' },
      limit: { type: 'string' },
      workflows: { type: 'string' },
      address: { type: 'string' },
      namespace: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const workflowIds = values['workflow-id'] ?? [];
  if (values['run-id'] && workflowIds.length !== 1) throw new UsageError('--run-id goes with exactly one --workflow-id');
  if (values['run-id'] && values['all-runs']) throw new UsageError('--run-id and --all-runs exclude each other');
  if (values['all-runs'] && workflowIds.length === 0) throw new UsageError('--all-runs goes with --workflow-id');
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isSafeInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer, got "${values.limit}"`);
  if (!values.help && positionals.length === 0 && workflowIds.length === 0 && !values.query) throw new UsageError('nothing to replay: give history files, --workflow-id or --query');
  return { values, files: positionals, workflowIds, limit };
}

/**
 * The Temporal client for server histories; `loadConfig('start')` validates the variables without
 * requiring any. Without --address or TEMPORAL_ADDRESS, the running `npm start`'s Temporal is used.
 */
async function connect(options: { address?: string | undefined; namespace?: string | undefined }, io: CliIo) {
  const local = options.address ? { env: io.env, stack: undefined } : withRunningStackDefaults(io.env);
  const config = loadConfig('start', local.env);
  const address = options.address ?? config.temporal.address;
  if (!address) throw new UsageError('histories from the server need TEMPORAL_ADDRESS (host:port) or --address, or a running `npm start` on this DATA_DIR');
  if (local.stack && !io.env.TEMPORAL_ADDRESS) io.stderr(`replay: using the Temporal of the stack \`npm start\` runs (pid ${local.stack.pid}): ${address}\n`);
  const connection = await Connection.connect({ ...temporalConnectionOptions({ ...config.temporal, address }), connectTimeout: 5_000 });
  return { client: new Client({ connection, namespace: options.namespace ?? config.temporal.namespace }), connection };
}


export async function runReplayCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.stderr(`replay: ${(error as Error).message}\n\n${REPLAY_USAGE}`);
    return REPLAY_EXIT.unreadable;
  }
  const { values, files, workflowIds, limit } = parsed;
  if (values.help) {
    io.stdout(REPLAY_USAGE);
    return REPLAY_EXIT.deterministic;
  }
  const workflowsPath = resolve(values.workflows ?? DEFAULT_WORKFLOWS_PATH);
  if (!existsSync(workflowsPath)) {
    io.stderr(`replay: --workflows ${workflowsPath}: no such file\n`);
    return REPLAY_EXIT.unreadable;
  }

  // Inputs first: a typo fails in a second, before the workflow code is bundled.
  const sources: HistorySource[] = [];
  const unreadable: UnreadableInput[] = [];
  const fromFiles = await readHistoryFiles(files);
  sources.push(...fromFiles.sources);
  unreadable.push(...fromFiles.unreadable);
  if (workflowIds.length > 0 || values.query) {
    let temporal: Awaited<ReturnType<typeof connect>> | undefined;
    try {
      temporal = await connect(values, io);
      const fromServer = await fetchHistories(temporal.client, { workflowIds, runId: values['run-id'], allRuns: values['all-runs'] ?? false, query: values.query, limit });
      sources.push(...fromServer.sources);
      unreadable.push(...fromServer.unreadable);
    } catch (error) {
      if (error instanceof UsageError || error instanceof ConfigError) {
        io.stderr(`replay: ${error.message}\n`);
        return REPLAY_EXIT.unreadable;
      }
      io.stderr(`replay: could not read histories from Temporal: ${(error as Error).message}\n`);
      return REPLAY_EXIT.unavailable;
    } finally {
      await temporal?.connection.close();
    }
  }
  for (const input of unreadable) io.stderr(`? unreadable       ${input.label}: ${input.message}\n`);

  let results: ReplayResult[] = [];
  if (sources.length > 0) {
    let bundle: { code: string };
    try {
      bundle = await bundleWorkflows(workflowsPath);
    } catch (error) {
      io.stderr(`replay: the workflow code at ${workflowsPath} does not bundle: ${(error as Error).message}\n`);
      return REPLAY_EXIT.unavailable;
    }
    results = await replayHistories(sources, { workflowBundle: bundle });
  }

  const diverged = results.filter((result) => result.verdict !== 'deterministic');
  if (values.json) {
    io.stdout(`${JSON.stringify({ workflows: workflowsPath, results, unreadable }, null, 2)}\n`);
  } else {
    for (const result of results) io.stdout(`${formatResult(result)}\n`);
    const parts = [`${results.length - diverged.length} deterministic`];
    if (diverged.length > 0) parts.push(`${diverged.length} diverged`);
    if (unreadable.length > 0) parts.push(`${unreadable.length} unreadable`);
    io.stdout(`\n${results.length + unreadable.length} ${results.length + unreadable.length === 1 ? 'history' : 'histories'} against ${workflowsPath}: ${parts.join(', ')}\n`);
  }
  if (diverged.length > 0) return REPLAY_EXIT.diverged;
  if (unreadable.length > 0) return REPLAY_EXIT.unreadable;
  return REPLAY_EXIT.deterministic;
}
