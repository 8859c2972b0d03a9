/** What /proc says about a process: CPU seconds used so far, and memory samples over time. */
import { readFileSync } from 'node:fs';
import type { ManagedProcess } from '../node-process.js';

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process (not its children), or undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Resident set size of any process in MiB (VmRSS), or undefined once it is gone. */
export function rssMbOf(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The machine: load averages and the CPU share everything else used, for the results file. */
export function machineLoad(): { loadavg: number[] } {
  const [one, five, fifteen] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  return { loadavg: [one!, five!, fifteen!] };
}

/** Samples a process's RSS every `everyMs` until stopped. */
export class RssSampler {
  readonly samples: { at: number; mb: number }[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly process: ManagedProcess,
    everyMs = 2_000,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  sample(): number | undefined {
    const mb = this.process.rssMb();
    if (mb !== undefined) this.samples.push({ at: Date.now(), mb });
    return mb;
  }

  /** The largest sample taken at or after `since` (ms epoch). */
  peakSince(since = 0): number {
    return Math.max(0, ...this.samples.filter((sample) => sample.at >= since).map((sample) => sample.mb));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

