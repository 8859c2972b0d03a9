/** Runs a package.json script (`npm run replay`, `npm run ops`) as a real process and collects what it says. */
import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../../shared/paths.js';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCommand(command: string, args: readonly string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `npm run --silent <script> -- …args`. */
export function npmRun(script: string, args: readonly string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CommandResult> {
  return runCommand('npm', ['run', '--silent', script, '--', ...args], options);
}
