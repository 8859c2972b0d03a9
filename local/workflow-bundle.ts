/**
 * The worker's workflow bundle, built once per version of the workflow code and kept in the data
 * folder: a warm `npm start` skips webpack. The key hashes everything the bundle can contain — the
 * workflow code, the shared modules it may import, and the installed packages (package-lock.json) —
 * so editing any of them rebuilds it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Logger } from '../shared/logger.js';
import { WORKFLOWS_PATH } from '../worker/create-worker.js';
import { PROJECT_ROOT } from '../shared/paths.js';
import { writePrivateJson, readJsonFile } from './data-dir.js';
import { bundlerLogger } from './temporal-runtime.js';

const SOURCE_DIRS = ['workflows', 'shared'];
const BUNDLE_FILE = 'workflow-bundle.js';
const KEY_FILE = 'workflow-bundle.json';

export function workflowSourceKey(root = PROJECT_ROOT): string {
  const hash = createHash('sha256');
  const files = SOURCE_DIRS.flatMap((dir) =>
    (readdirSync(join(root, dir), { recursive: true }) as string[]).filter((file) => /\.(ts|js|json)$/.test(file)).map((file) => join(dir, file)),
  );
  for (const file of [...files.sort(), 'package-lock.json']) {
    hash.update(file).update('\0').update(readFileSync(join(root, file))).update('\0');
  }
  return hash.digest('hex');
}

export async function loadWorkflowBundle(dataDir: string, logger: Logger): Promise<{ code: string }> {
  const started = Date.now();
  const key = workflowSourceKey();
  const bundleFile = join(dataDir, BUNDLE_FILE);
  const keyFile = join(dataDir, KEY_FILE);
  if (readJsonFile<{ key: string }>(keyFile)?.key === key && existsSync(bundleFile)) {
    const code = readFileSync(bundleFile, 'utf8');
    logger.info({ ms: Date.now() - started }, 'workflow bundle reused (workflow code unchanged)');
    return { code };
  }
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: bundlerLogger(logger) });
  writeFileSync(bundleFile, code);
  writePrivateJson(keyFile, { key });
  logger.info({ ms: Date.now() - started }, 'workflow code bundled');
  return { code };
}
