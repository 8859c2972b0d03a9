/** `npm run bench [-- --only name1,name2] [-- --quick]`: see harness/bench/cli.ts. */
import { runBenchCli } from './bench/cli.js';

process.exitCode = await runBenchCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
