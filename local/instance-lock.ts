/**
 * One `npm start` per data folder: PGlite's files and Temporal's SQLite file must have one writer. The
 * lock is a file holding our pid; a lock whose process is gone (a crash, a SIGKILL) is taken over, and
 * so is one whose pid now belongs to some other program (checked where /proc exists).
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine, isAlive } from './processes.js';

export interface InstanceLock {
  release(): void;
}

export function acquireInstanceLock(dataDir: string): InstanceLock {
  const file = join(dataDir, 'start.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder) && (commandLine(holder) ?? 'start.ts').includes('start.ts')) {
        throw new Error(`another \`npm start\` (pid ${holder}) is using ${dataDir}; stop it first, or give this one its own DATA_DIR`, { cause: error });
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the lock ${file}`);
}
