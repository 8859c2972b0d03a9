/**
 * The workflow bundle built ahead of time (`npm run build:workflows`, and in the image): webpack takes
 * 13–20 s and a core per worker start, during which a new worker polls nothing and starves the running
 * ones on a shared host. A prebuilt bundle starts a worker in seconds.
 *
 * Next to the bundle lies `<bundle>.json` with the key of the sources it was built from (the workflow
 * code, the shared modules it may import, package-lock.json). A worker refuses a bundle whose key does
 * not match the sources beside it: running workflow code other than the code in the checkout would
 * replay histories against the wrong code.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Logger } from '../shared/logger.js';
import { PROJECT_ROOT } from '../shared/paths.js';
import { WORKFLOWS_PATH } from './create-worker.js';

const SOURCE_DIRS = ['workflows', 'shared'];

/** A hash of everything a workflow bundle can contain. */
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

const keyFileOf = (bundlePath: string) => `${bundlePath}.json`;

type BundlerLogger = NonNullable<Parameters<typeof bundleWorkflowCode>[0]['logger']>;

/** A bundler logger that keeps webpack's progress lines to itself and hands warnings and errors to `report`. */
export function quietBundlerLogger(report: (message: string) => void): BundlerLogger {
  const quiet = () => {};
  return { trace: quiet, debug: quiet, info: quiet, log: quiet, warn: (message) => report(message), error: (message) => report(message) };
}

/** Bundles workflows/ into `bundlePath` (and its key file). */
export async function buildWorkflowBundle(bundlePath: string, logger?: BundlerLogger): Promise<{ bytes: number; key: string }> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, ...(logger ? { logger } : {}) });
  const key = workflowSourceKey();
  mkdirSync(dirname(resolve(bundlePath)), { recursive: true });
  writeFileSync(bundlePath, code);
  writeFileSync(keyFileOf(bundlePath), `${JSON.stringify({ key, builtAt: new Date().toISOString() })}\n`);
  return { bytes: Buffer.byteLength(code), key };
}

export class StaleWorkflowBundleError extends Error {
  override name = 'StaleWorkflowBundleError';
}

/** The prebuilt bundle at `bundlePath`, as the Worker's `workflowBundle`, once its key matches the sources. */
export function prebuiltWorkflowBundle(bundlePath: string, logger?: Logger): { codePath: string } {
  const codePath = resolve(bundlePath);
  if (!existsSync(codePath)) throw new StaleWorkflowBundleError(`WORKFLOW_BUNDLE_PATH ${codePath} does not exist: run \`npm run build:workflows -- ${bundlePath}\` or unset it`);
  let builtFrom: string | undefined;
  try {
    builtFrom = (JSON.parse(readFileSync(keyFileOf(codePath), 'utf8')) as { key?: string }).key;
  } catch {
    builtFrom = undefined;
  }
  if (builtFrom !== workflowSourceKey()) {
    throw new StaleWorkflowBundleError(`the workflow bundle at ${codePath} was not built from this workflow code: run \`npm run build:workflows -- ${bundlePath}\` again`);
  }
  logger?.info({ workflowBundlePath: codePath }, 'workflow bundle loaded (built ahead of time)');
  return { codePath };
}
