/**
 * `npm start` keeps everything it must not lose in one folder (DATA_DIR, default `.data`): PGlite's
 * data, Temporal's SQLite file, the simulator's state, and the secrets it generated. Files holding a
 * secret are written owner-only (0600), atomically, so a crash never leaves half a key behind.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../shared/paths.js';

export const DEFAULT_DATA_DIR = join(PROJECT_ROOT, '.data');

/** The data folder (created, owner-only) as an absolute path; relative DATA_DIR values are taken from the project root. */
export function prepareDataDir(configured: string | undefined): string {
  const dir = configured ? resolve(PROJECT_ROOT, configured) : DEFAULT_DATA_DIR;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export function readJsonFile<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}); fix or remove it`, { cause: error });
  }
}

/** Writes JSON readable by the owner only (0600): a temporary file renamed over the old one. */
export function writePrivateJson(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/** Tightens a secret file that someone loosened (e.g. copied with a permissive umask). */
export function ensurePrivate(file: string): void {
  if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
}
