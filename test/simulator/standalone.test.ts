/**
 * `npm run simulator` on its own, as the compose stack and an operator run it: it keeps its state in
 * DATA_DIR, and subscribes the API at PUBLIC_BASE_URL to its webhooks once (not again at every start).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/free-port.js';
import { PROJECT_ROOT } from '../../shared/paths.js';
import { createSimulatorControl } from '../../simulator/index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'qbo-standalone-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function runSimulator(port: number, probe: (url: string) => Promise<void>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'simulator/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, SIMULATOR_PORT: String(port), PUBLIC_BASE_URL: 'http://api.internal:3000', INTUIT_WEBHOOK_VERIFIER_TOKEN: 'verifier-token-0123' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    await expect.poll(() => output, { timeout: 30_000, interval: 100 }).toContain('company:');
    await probe(`http://127.0.0.1:${port}`);
  } finally {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
  return output;
}

describe('the standalone simulator', () => {
  it('keeps its state in DATA_DIR and subscribes the API to its webhooks once', async () => {
    const port = await freePort();
    let realmId = '';
    const first = await runSimulator(port, async (url) => {
      realmId = (await createSimulatorControl(url).listCompanies()).data[0]!.realmId;
    });
    expect(first).toContain('webhooks → http://api.internal:3000/webhooks/quickbooks');
    expect(existsSync(join(dataDir, 'simulator-standalone.json'))).toBe(true);

    await runSimulator(port, async (url) => {
      const control = createSimulatorControl(url);
      expect((await control.listCompanies()).data.map((company) => company.realmId)).toEqual([realmId]);
      expect((await control.listWebhooks()).data.map((subscription) => subscription.url)).toEqual(['http://api.internal:3000/webhooks/quickbooks']);
    });
  });
});
