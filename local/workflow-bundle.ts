/**
 * The worker's workflow bundle, built once per version of the workflow code and kept in the data
 * folder: a warm `npm start` skips webpack. The key hashes everything the bundle can contain — the
 * workflow code, the shared modules it may import, and the installed packages (package-lock.json) —
 * so editing any of them rebuilds it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Logger } from '../shared/logger.js';
import { WORKFLOWS_PATH } from '../worker/create-worker.js';
import { workflowSourceKey } from '../worker/workflow-bundle.js';
import { writePrivateJson, readJsonFile } from './data-dir.js';
import { bundlerLogger } from './temporal-runtime.js';

const BUNDLE_FILE = 'workflow-bundle.js';
const KEY_FILE = 'workflow-bundle.json';

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
