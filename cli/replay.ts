/** `npm run replay -- FILE.json | --workflow-id ID`: see cli/replay/run.ts and docs/replay.md. */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { runReplayCli } from './replay/run.js';

// The replay worker's own chatter (bundling, state changes, "failing workflow task" for the very
// divergence we report) is noise here; TEMPORAL_LOG_LEVEL=INFO shows it.
const level = process.env.TEMPORAL_LOG_LEVEL === 'INFO' ? 'INFO' : 'ERROR';
Runtime.install({ logger: new DefaultLogger(level), telemetryOptions: { logging: { filter: { core: level, other: level }, forward: {} } } });

const code = await runReplayCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
// The Temporal runtime keeps the event loop alive (log forwarding): leave once the output is flushed.
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
process.exit(code);
