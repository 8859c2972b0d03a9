/**
 * Runs `temporal server start-dev` as a child process with the contract's search attributes registered.
 * Used by `npm start` (with the Web UI and a SQLite file so workflows survive a restart), by the test
 * harness (headless, in memory) and by the chaos run (restarted on its persisted file).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../shared/search-attributes.js';
import { freePort } from './free-port.js';

export interface DevServerOptions {
  cliPath: string;
  port?: number;
  /** Serve the Web UI on this port; without it the server runs headless. */
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts; in memory without it. */
  dbFilename?: string;
  namespace?: string;
  dynamicConfig?: Record<string, unknown>;
  /** Where the server's own output goes; ignored when unset. */
  output?: 'inherit' | 'ignore';
  /**
   * Run in a process group of its own, so that Ctrl-C in a terminal (SIGINT to the foreground group)
   * reaches only its parent, which stops it last (`npm start` drains its worker first).
   */
  ownProcessGroup?: boolean;
}

export interface RunningDevServer {
  address: string;
  namespace: string;
  uiUrl: string | undefined;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const port = options.port ?? (await freePort());
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace, '--log-level', 'error'];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort), '--ui-ip', '127.0.0.1');
  else args.push('--headless');
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_CLI_TYPES)) args.push('--search-attribute', `${name}=${type}`);
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {})) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);

  const child = spawn(options.cliPath, args, { stdio: ['ignore', options.output ?? 'ignore', options.output ?? 'ignore'], detached: options.ownProcessGroup ?? false });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `127.0.0.1:${port}`;

  try {
    await waitUntilServing(address, exited);
  } catch (error) {
    // A server that never served must not outlive the attempt (it may hold the port or the SQLite file).
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw error;
  }

  return {
    address,
    namespace,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    process: child,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitUntilServing(address: string, exited: Promise<number | null>, timeoutMs = 30_000): Promise<void> {
  let failed: number | null | undefined;
  void exited.then((code) => (failed = code));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (failed !== undefined) throw new Error(`temporal server start-dev exited with code ${failed} before serving on ${address}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Temporal dev server did not serve on ${address} within ${timeoutMs} ms: ${(error as Error).message}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
