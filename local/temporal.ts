/**
 * The embedded Temporal: `temporal server start-dev` with its Web UI, persisting to a SQLite file in
 * the data folder so workflows survive a restart. It runs in a process group of its own (Ctrl-C must
 * not stop it before the worker has drained), and its pid is kept in `temporal.pid` so that a dev
 * server orphaned by a crash of `npm start` is stopped by the next start instead of holding the port.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../shared/logger.js';
import { findTemporalBinaries } from './temporal-binaries.js';
import { startTemporalDevServer, type RunningDevServer } from './temporal-dev-server.js';
import { readJsonFile } from './data-dir.js';
import { commandLine, isAlive, waitForExit } from './processes.js';

export interface EmbeddedTemporal {
  address: string;
  uiUrl: string;
  pid: number;
  stop(): Promise<void>;
}

const PID_FILE = 'temporal.pid';

export async function startEmbeddedTemporal(options: {
  cliPath: string | undefined;
  port: number;
  uiPort: number;
  dbFilename: string;
  namespace: string;
  dataDir: string;
  logger: Logger;
}): Promise<EmbeddedTemporal> {
  const cliPath = options.cliPath ?? findTemporalBinaries().cli;
  if (!cliPath) throw new Error('the Temporal CLI was not found: run `npx tsx cli/ensure-temporal-binaries.ts` (npm start does it first) or set TEMPORAL_CLI_PATH');
  const pidFile = join(options.dataDir, PID_FILE);
  await stopOrphan(pidFile, options.dbFilename, options.logger);

  const started = Date.now();
  const server: RunningDevServer = await startTemporalDevServer({
    cliPath,
    port: options.port,
    uiPort: options.uiPort,
    dbFilename: options.dbFilename,
    namespace: options.namespace,
    ownProcessGroup: true,
  });
  const pid = server.process.pid!;
  writeFileSync(pidFile, String(pid), { mode: 0o600 });
  options.logger.info({ address: server.address, uiUrl: server.uiUrl, pid, ms: Date.now() - started }, 'temporal dev server running');
  return {
    address: server.address,
    uiUrl: server.uiUrl!,
    pid,
    async stop() {
      await server.stop(10_000);
      rmSync(pidFile, { force: true });
    },
  };
}

async function stopOrphan(pidFile: string, dbFilename: string, logger: Logger): Promise<void> {
  const pid = readJsonFile<number>(pidFile);
  if (typeof pid !== 'number' || !isAlive(pid)) {
    rmSync(pidFile, { force: true });
    return;
  }
  // Only a dev server on our own SQLite file: a reused pid must never be signalled.
  if (!commandLine(pid)?.includes(dbFilename)) {
    rmSync(pidFile, { force: true });
    return;
  }
  logger.warn({ pid }, 'stopping a Temporal dev server left running by an earlier npm start');
  process.kill(pid, 'SIGTERM');
  if (!(await waitForExit(pid, 10_000))) process.kill(pid, 'SIGKILL');
}
