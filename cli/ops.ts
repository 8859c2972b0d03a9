/** `npm run ops -- list | status | resync | sync`: see cli/ops/run.ts and docs/replay.md. */
import { runOpsCli } from './ops/run.js';

process.exitCode = await runOpsCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
