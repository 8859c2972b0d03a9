/**
 * Child processes the chaos run and the benchmarks manage: the production worker (`node --import tsx
 * worker/main.ts`) or another entry point, with its output kept (the last part in memory, all of it in a
 * log file when asked), a readiness wait on a log line, SIGKILL/SIGTERM, and its resident memory read
 * from /proc (the process's own RSS, not its children's).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { PROJECT_ROOT } from '../shared/paths.js';

const KEPT_OUTPUT_CHARS = 200_000;

export interface ManagedProcess {
  readonly label: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code or signal name once the process is gone. */
  readonly exited: Promise<string>;
  alive(): boolean;
  /** The last ~200 KB of stdout and stderr. */
  output(): string;
  /** Resolves once a line of output matches `pattern`; rejects on exit or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Sends `signal` (default SIGKILL) and waits for the exit; after `graceMs` a SIGTERM becomes a SIGKILL. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<string>;
  /** Resident set size in MiB (VmRSS), or undefined once the process is gone. */
  rssMb(): number | undefined;
}

export interface SpawnOptions {
  label: string;
  /** Script relative to the project root, run with `node --import tsx`. */
  entry: string;
  /** Arguments after the entry. */
  args?: string[];
  env: Record<string, string>;
  /** Extra node flags before `--import tsx` (e.g. `--cpu-prof`, `--max-old-space-size=…`). */
  nodeFlags?: string[];
  /** Append all output to this file as well. */
  logFile?: string;
}

export function spawnNodeProcess(options: SpawnOptions): ManagedProcess {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', options.entry, ...(options.args ?? [])], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: WriteStream | undefined = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  let kept = '';
  const listeners = new Set<(text: string) => void>();
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    kept = (kept + text).slice(-KEPT_OUTPUT_CHARS);
    log?.write(text);
    for (const listener of listeners) listener(text);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      log?.end();
      resolve(signal ?? String(code));
    }),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;

  return {
    label: options.label,
    child,
    pid: child.pid ?? -1,
    exited,
    alive,
    output: () => kept,
    waitForOutput(pattern, timeoutMs) {
      if (pattern.test(kept)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        let seen = kept.slice(-2_000);
        const done = (error?: Error) => {
          clearTimeout(timer);
          listeners.delete(listener);
          if (error) reject(error);
          else resolve();
        };
        const listener = (text: string) => {
          seen = (seen + text).slice(-20_000);
          if (pattern.test(seen)) done();
        };
        const timer = setTimeout(() => done(new Error(`${options.label}: no output matching ${pattern} within ${timeoutMs} ms\n${kept.slice(-3_000)}`)), timeoutMs);
        listeners.add(listener);
        void exited.then((how) => done(new Error(`${options.label} exited (${how}) before printing ${pattern}\n${kept.slice(-3_000)}`)));
      });
    },
    async stop(signal = 'SIGKILL', graceMs = 15_000) {
      if (!alive()) return exited;
      child.kill(signal);
      const timer = signal === 'SIGKILL' ? undefined : setTimeout(() => alive() && child.kill('SIGKILL'), graceMs);
      const how = await exited;
      if (timer) clearTimeout(timer);
      return how;
    },
    rssMb() {
      if (!alive() || child.pid === undefined) return undefined;
      try {
        const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return match ? Number(match[1]) / 1024 : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** The production worker announces itself with this pino line once it polls (LOG_LEVEL info or lower). */
export const WORKER_READY = /"msg":"worker running"/;

/** The production API announces itself with this pino line once it listens. */
export const API_READY = /"msg":"api listening"/;
