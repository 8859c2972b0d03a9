// `node .ci/run-scripts.mjs typecheck lint`: runs those npm scripts side by side (each keeps a core busy
// for tens of seconds, and neither needs the other), prints each one's output whole as it finishes, and
// fails when any of them fails.
import { spawn } from 'node:child_process';
import process from 'node:process';

function runScript(script) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('npm', ['run', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let finished = false;
    const finish = (ok, how) => {
      if (finished) return;
      finished = true;
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      process.stdout.write(`${output}${ok ? '✓' : '✗'} npm run ${script} (${seconds} s${ok ? '' : `, ${how}`})\n`);
      resolve(ok);
    };
    child.stdout.on('data', (chunk) => void (output += chunk));
    child.stderr.on('data', (chunk) => void (output += chunk));
    child.once('error', (error) => finish(false, error.message));
    child.once('exit', (code, signal) => finish(code === 0, signal ?? `exit ${code}`));
  });
}

const scripts = process.argv.slice(2);
const results = await Promise.all(scripts.map(runScript));
const failed = scripts.filter((_, index) => !results[index]);
if (failed.length > 0) {
  process.stderr.write(`failed: ${failed.map((script) => `npm run ${script}`).join(', ')}\n`);
  process.exitCode = 1;
}
