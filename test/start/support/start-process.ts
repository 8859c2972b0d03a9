/**
 * Runs the start command (`node --import tsx cli/start.ts`, what `npm start` runs) as a child
 * process on free ports and a data folder of the test's own, and reads what it prints: the structured
 * `ready` line (URLs) and the banner (the demo merchant's API key).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../../local/free-port.js';
import { PROJECT_ROOT } from '../../../shared/paths.js';
import { requireTemporalBinaries } from '../../../local/temporal-binaries.js';
import type { StartUrls } from '../../../local/banner.js';

export interface StartEnvOptions {
  dataDir: string;
  /** Anything else (DATABASE_URL, TEMPORAL_ADDRESS…). */
  extra?: Record<string, string>;
}

/** A minimal environment: nothing of the test runner's own (CI's DATABASE_URL, say) leaks into the product. */
export async function startEnv({ dataDir, extra = {} }: StartEnvOptions): Promise<Record<string, string>> {
  const [port, simulatorPort, temporalPort, uiPort, pglitePort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: dataDir,
    PORT: String(port),
    SIMULATOR_PORT: String(simulatorPort),
    TEMPORAL_DEV_SERVER_PORT: String(temporalPort),
    TEMPORAL_DEV_SERVER_UI_PORT: String(uiPort),
    PGLITE_PORT: String(pglitePort),
    MAIL_SINK_PORT: '0',
    TEMPORAL_CLI_PATH: requireTemporalBinaries().cli,
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** The value of a banner row (`  Database      postgres://…   (…)`): its first word. */
export function bannerValue(output: string, label: string): string | undefined {
  return new RegExp(`^  ${label}\\s{2,}(\\S+)`, 'm').exec(output)?.[1];
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartedProduct {
  child: ChildProcess;
  urls: StartUrls;
  apiKey: string;
  merchantId: string;
  /** The embedded Temporal dev server's pid (when one was started). */
  temporalPid: number | undefined;
  output(): string;
  /** Structured log lines printed so far. */
  logLines(): Record<string, unknown>[];
  exited: Promise<ExitStatus>;
  /** Sends the signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<ExitStatus>;
}

export async function launchStart(env: Record<string, string>, timeoutMs = 120_000): Promise<StartedProduct> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/start.ts'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const lines: Record<string, unknown>[] = [];
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    pending += text;
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const exited = new Promise<ExitStatus>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const deadline = Date.now() + timeoutMs;
  let ready: Record<string, unknown> | undefined;
  let apiKey: string | undefined;
  let gone: ExitStatus | undefined;
  void exited.then((status) => (gone = status));
  while (!(ready && apiKey)) {
    if (gone) throw new Error(`the start command exited (${JSON.stringify(gone)}) before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the start command was not ready within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    ready = lines.find((line) => line.msg === 'ready');
    apiKey = /API key\s+(qbk_[A-Za-z0-9_-]{43})/.exec(output)?.[1];
  }
  const temporalLine = lines.find((line) => line.msg === 'temporal dev server running');
  return {
    child,
    urls: ready.urls as StartUrls,
    apiKey,
    merchantId: ready.merchantId as string,
    temporalPid: typeof temporalLine?.pid === 'number' ? temporalLine.pid : undefined,
    output: () => output,
    logLines: () => lines,
    exited,
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
