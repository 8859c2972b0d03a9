/**
 * Where the stack `npm start` runs can be reached from other processes: `<data dir>/stack.json` (0600:
 * the database URL carries its password), written once everything is ready and removed at shutdown.
 * `npm run ops` and `npm run replay` read it when DATABASE_URL or TEMPORAL_ADDRESS is unset, so the
 * commands in the README work as printed against the stack a newcomer runs. A file whose process is
 * gone (a crash, a SIGKILL) is ignored: its addresses would lead nowhere.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../shared/paths.js';
import { readJsonFile, writePrivateJson } from './data-dir.js';
import { commandLine, isAlive } from './processes.js';

export const STACK_FILE = 'stack.json';

export interface RunningStack {
  /** The `npm start` process. */
  pid: number;
  databaseUrl: string;
  temporalAddress: string;
  temporalNamespace: string;
  temporalUiUrl: string | null;
  apiUrl: string;
}

export function writeRunningStack(dataDir: string, stack: RunningStack): { remove(): void } {
  const file = join(dataDir, STACK_FILE);
  writePrivateJson(file, stack);
  return { remove: () => rmSync(file, { force: true }) };
}

/** The data folder `npm start` would use with this environment (DATA_DIR, relative to the project), without creating it. */
export function dataDirOf(env: NodeJS.ProcessEnv): string {
  return resolve(PROJECT_ROOT, env.DATA_DIR || '.data');
}

/** The stack running on that data folder, or undefined when none is (no file, or its process is gone). */
export function findRunningStack(dataDir: string): RunningStack | undefined {
  let stack: RunningStack | undefined;
  try {
    stack = readJsonFile<RunningStack>(join(dataDir, STACK_FILE));
  } catch {
    return undefined;
  }
  if (!stack || typeof stack.pid !== 'number' || !isAlive(stack.pid)) return undefined;
  // Where /proc tells, the pid must still be an `npm start` (pids are reused).
  if (!(commandLine(stack.pid) ?? 'start.ts').includes('start.ts')) return undefined;
  return stack;
}

/**
 * The environment an operator command runs with: what is set wins; DATABASE_URL, TEMPORAL_ADDRESS and
 * TEMPORAL_NAMESPACE that are unset come from the running local stack, if there is one. `filled` names
 * what was taken from it (for a line on stderr), `stack` is undefined when nothing was needed or found.
 */
export function withRunningStackDefaults(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; stack: RunningStack | undefined; filled: string[] } {
  if (env.DATABASE_URL && env.TEMPORAL_ADDRESS) return { env, stack: undefined, filled: [] };
  const stack = findRunningStack(dataDirOf(env));
  if (!stack) return { env, stack: undefined, filled: [] };
  const filled: string[] = [];
  const completed = { ...env };
  if (!env.DATABASE_URL) {
    completed.DATABASE_URL = stack.databaseUrl;
    filled.push('DATABASE_URL');
  }
  if (!env.TEMPORAL_ADDRESS) {
    completed.TEMPORAL_ADDRESS = stack.temporalAddress;
    filled.push('TEMPORAL_ADDRESS');
    if (!env.TEMPORAL_NAMESPACE) completed.TEMPORAL_NAMESPACE = stack.temporalNamespace;
  }
  return { env: completed, stack, filled };
}

/** `DATABASE_URL=postgres://postgres:…@127.0.0.1:5433/postgres`: what an operator may print or log (never the password). */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '…';
    return parsed.toString().replace('%E2%80%A6', '…');
  } catch {
    return 'postgres://…';
  }
}
