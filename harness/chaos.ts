/** `npm run chaos -- --runs N --seed S [--connections C] [--duration D]`: see harness/chaos/cli.ts. */
import { runChaosCli } from './chaos/cli.js';

process.exitCode = await runChaosCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
