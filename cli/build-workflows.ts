/**
 * `npm run build:workflows [-- <file>]`: bundles the workflow code once, ahead of time (default
 * dist/workflow-bundle.js), for workers started with WORKFLOW_BUNDLE_PATH=<file>. The image runs it.
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from '../shared/paths.js';
import { buildWorkflowBundle } from '../worker/workflow-bundle.js';

const bundlePath = process.argv[2] ?? join(PROJECT_ROOT, 'dist', 'workflow-bundle.js');
const started = Date.now();
const { bytes, key } = await buildWorkflowBundle(bundlePath);
console.log(`workflow bundle written to ${bundlePath} (${Math.round(bytes / 1024)} KiB, sources ${key.slice(0, 12)}, ${((Date.now() - started) / 1000).toFixed(1)} s); start workers with WORKFLOW_BUNDLE_PATH=${bundlePath}`);
