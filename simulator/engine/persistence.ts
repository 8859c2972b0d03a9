/**
 * Keeps the simulator's state in a JSON file (`dataFile`), so that a restart keeps companies, grants
 * and tokens: loaded at start, written at most about once a second after changes, and on close. Writes
 * go to a temporary file that is then renamed, so a crash never leaves half a file behind.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EngineState } from './simulator-engine.js';

const DEBOUNCE_MS = 1_000;

export function loadEngineState(file: string): EngineState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new Error(`simulator data file ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof state !== 'object' || state === null || (state as { version?: unknown }).version !== 1) {
    throw new Error(`simulator data file ${file} is not a version-1 simulator state; move it away to start fresh`);
  }
  return state as EngineState;
}

export class DebouncedStateWriter {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => EngineState,
  ) {
    mkdirSync(dirname(file), { recursive: true });
  }

  /** Schedules a write; many changes within a second make one write. */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writeNow();
    }, DEBOUNCE_MS);
    this.timer.unref();
  }

  /** Writes the current state now, cancelling any scheduled write (on start and on close). */
  writeNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.snapshot()));
    renameSync(temporary, this.file);
  }
}
