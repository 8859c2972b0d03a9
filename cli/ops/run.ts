/**
 * `npm run ops -- <command>`: the operator's view of connections and their workflows, and the two
 * nudges an operator gives them (sync now, resync a window). Reads DATABASE_URL and TEMPORAL_ADDRESS
 * (role `ops` of the config module); tables for people, `--json` for scripts.
 */
import { createConnectionWorkflows } from '../../connections/workflow-client.js';
import { createLogger } from '../../shared/logger.js';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { openDatabase, type DatabaseHandle } from '../../db/client.js';
import { ConfigError, loadConfig, type Config } from '../../shared/config.js';
import { CONNECTION_STATUSES, type ConnectionStatus } from '../../shared/contract.js';
import { connectionStatusReport, listConnections } from '../../connections/operator-views.js';
import { OpsError, parseConnectionId, parseEntities, parseSince } from './args.js';
import { requestResync, requestSync, type OpsContext } from './signals.js';
import { formatList, formatReceipt, formatStatus } from './format.js';
import { temporalConnectionOptions } from '../../shared/temporal-connection.js';
import { withoutPassword, withRunningStackDefaults } from '../../local/running-stack.js';

export const OPS_EXIT = {
  ok: 0,
  /** Temporal or the database failed (unreachable, timed out). */
  failed: 1,
  /** Bad command, option or value; or missing configuration. */
  usage: 2,
  /** No such connection. */
  notFound: 3,
  /** The connection's state does not allow it (not authorized, disconnected, parked), or its workflow is not running. */
  refused: 4,
} as const;

export const OPS_USAGE = `Usage: npm run ops -- <command> [options]

Commands:
  list [--status STATUS] [--limit N]          connections, most recently changed first (default limit 50)
                                              STATUS: ${CONNECTION_STATUSES.join(' | ')}
  status <connectionId> [--runs N]            the connection row, its workflow (describe + the status query)
                                              and its last N sync runs (default 10)
  resync <connectionId> --since <ISO date> [--entities Invoice,Customer]
                                              re-pull everything changed since then (signal resync)
  sync <connectionId> [--reason TEXT]         sync now instead of at the next interval (signal syncNow)

Options: --json (machine-readable output), -h/--help.
A connection id may be given as its workflow id, quickbooks-connection-<id>.
Environment: DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE (default "default"). Unset, they are
taken from the stack \`npm start\` runs on DATA_DIR (default .data), when it runs.

Exit status: 0 done, 1 Temporal or the database failed, 2 bad arguments or configuration,
3 unknown connection, 4 refused (the connection's state does not allow it, or its workflow is not running).
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const COMMON = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

function parseCommand(argv: readonly string[]) {
  const [command, ...rest] = argv;
  const parse = <O extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(options: O, positionals: number) => {
    const parsed = parseArgs({ args: rest, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
    if (parsed.positionals.length > positionals) throw new OpsError('usage', `unexpected argument "${parsed.positionals[positionals]}"`);
    return parsed;
  };
  try {
    switch (command) {
      case 'list':
        return { command, ...parse({ status: { type: 'string' }, limit: { type: 'string' } }, 0) } as const;
      case 'status':
        return { command, ...parse({ runs: { type: 'string' } }, 1) } as const;
      case 'resync':
        return { command, ...parse({ since: { type: 'string' }, entities: { type: 'string' } }, 1) } as const;
      case 'sync':
        return { command, ...parse({ reason: { type: 'string' } }, 1) } as const;
      case undefined:
        throw new OpsError('usage', 'a command is required');
      case 'help':
      case '--help':
      case '-h':
        return { command: 'help', values: { json: false, help: true }, positionals: [] } as const;
      default:
        throw new OpsError('usage', `unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof OpsError) throw error;
    // node:util parseArgs: an unknown option, or a missing value.
    throw new OpsError('usage', (error as Error).message);
  }
}

function positiveInteger(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1 || number > max) throw new OpsError('usage', `--${name} must be an integer from 1 to ${max}, got "${value}"`);
  return number;
}

function parseStatus(value: string | undefined): ConnectionStatus | undefined {
  if (value === undefined) return undefined;
  if (!(CONNECTION_STATUSES as readonly string[]).includes(value)) throw new OpsError('usage', `--status must be one of ${CONNECTION_STATUSES.join(', ')}; got "${value}"`);
  return value as ConnectionStatus;
}

/** The ops configuration; what the environment leaves unset comes from the running `npm start`, said on stderr. */
function opsConfig(io: CliIo): Config {
  const { env, stack, filled } = withRunningStackDefaults(io.env);
  if (stack) {
    const shown = filled.map((name) => `${name}=${name === 'DATABASE_URL' ? withoutPassword(env.DATABASE_URL!) : env[name]}`);
    io.stderr(`ops: using the stack \`npm start\` runs (pid ${stack.pid}): ${shown.join(' ')}\n`);
  }
  return loadConfig('ops', env);
}

/** Opens what a command needs, lazily: `list` works while Temporal is down. */
class Resources {
  private database: DatabaseHandle | undefined;
  private connection: Connection | undefined;
  constructor(private readonly config: Config) {}

  async databaseOnly(): Promise<Pick<OpsContext, 'db'>> {
    this.database ??= await openDatabase({ url: this.config.databaseUrl, maxConnections: 2 });
    return { db: this.database.db };
  }

  async context(): Promise<OpsContext> {
    const { db } = await this.databaseOnly();
    this.connection ??= await Connection.connect({ ...temporalConnectionOptions(this.config.temporal), connectTimeout: 5_000 });
    const client = new Client({ connection: this.connection, namespace: this.config.temporal.namespace });
    const workflows = createConnectionWorkflows({ client, taskQueue: this.config.temporal.taskQueue, logger: createLogger({ level: 'silent' }), syncIntervalMs: this.config.syncIntervalMs });
    return { db, client, workflows };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.connection?.close(), this.database?.close()]);
  }
}

export async function runOpsCli(argv: readonly string[], io: CliIo): Promise<number> {
  let resources: Resources | undefined;
  try {
    const parsed = parseCommand(argv);
    if (parsed.command === 'help' || parsed.values.help) {
      io.stdout(OPS_USAGE);
      return OPS_EXIT.ok;
    }
    const json = parsed.values.json ?? false;
    const print = (value: unknown, human: () => string) => io.stdout(`${json ? JSON.stringify(value, null, 2) : human()}\n`);
    // Arguments before configuration and connections: a typo answers at once.
    switch (parsed.command) {
      case 'list': {
        const options = { status: parseStatus(parsed.values.status), limit: positiveInteger('limit', parsed.values.limit, 50, 1000) };
        resources = new Resources(opsConfig(io));
        const items = await listConnections(await resources.databaseOnly(), options);
        print(items, () => formatList(items));
        return OPS_EXIT.ok;
      }
      case 'status': {
        const connectionId = parseConnectionId(parsed.positionals[0]);
        const runs = positiveInteger('runs', parsed.values.runs, 10, 100);
        resources = new Resources(opsConfig(io));
        const report = await connectionStatusReport(await resources.context(), connectionId, { runs });
        if (!report) throw new OpsError('not_found', `no connection ${connectionId}`);
        print(report, () => formatStatus(report));
        return OPS_EXIT.ok;
      }
      case 'resync': {
        const connectionId = parseConnectionId(parsed.positionals[0]);
        const args = { since: parseSince(parsed.values.since), entities: parseEntities(parsed.values.entities) };
        resources = new Resources(opsConfig(io));
        const receipt = await requestResync(await resources.context(), connectionId, args);
        print(receipt, () => formatReceipt(receipt));
        return OPS_EXIT.ok;
      }
      case 'sync': {
        const connectionId = parseConnectionId(parsed.positionals[0]);
        resources = new Resources(opsConfig(io));
        const receipt = await requestSync(await resources.context(), connectionId, parsed.values.reason ?? 'ops');
        print(receipt, () => formatReceipt(receipt));
        return OPS_EXIT.ok;
      }
    }
    return OPS_EXIT.usage;
  } catch (error) {
    if (error instanceof OpsError) {
      io.stderr(`ops: ${error.message}\n${error.kind === 'usage' ? `\n${OPS_USAGE}` : ''}`);
      return error.kind === 'usage' ? OPS_EXIT.usage : error.kind === 'not_found' ? OPS_EXIT.notFound : OPS_EXIT.refused;
    }
    if (error instanceof ConfigError) {
      const missing = error.problems.some((problem) => problem.includes('required'));
      io.stderr(`ops: ${error.message}\n${missing ? '(and no `npm start` runs on this DATA_DIR to take them from: set them, or start the local stack)\n' : ''}`);
      return OPS_EXIT.usage;
    }
    io.stderr(`ops: ${(error as Error).message.split('\n')[0]}\n`);
    return OPS_EXIT.failed;
  } finally {
    await resources?.close();
  }
}
