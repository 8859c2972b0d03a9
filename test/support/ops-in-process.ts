/**
 * What `npm run ops -- …args` runs (cli/ops.ts hands its arguments, environment and output to
 * `runOpsCli`), in the test's own process: the same command without a process per call. Tests keep a
 * few real `npm run ops` processes to prove what a shell sees.
 */
import { runOpsCli } from '../../cli/ops/run.js';

export interface OpsResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runOps(args: readonly string[], env: Record<string, string>): Promise<OpsResult> {
  let stdout = '';
  let stderr = '';
  const code = await runOpsCli(args, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), env });
  return { code, stdout, stderr };
}
