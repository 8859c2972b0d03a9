/**
 * With a data file, a restarted simulator is the same Intuit: companies (with their changes), apps,
 * grants and tokens, the clock and webhook subscriptions survive, and new tokens never repeat old ones.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../simulator/index.js';
import { APP, api, connect, startTestSimulator, tokenEndpoint } from './support.js';

const directory = mkdtempSync(join(tmpdir(), 'qbo-simulator-'));

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('persistence through dataFile', () => {
  it('keeps companies, grants, tokens, the clock and webhooks across a restart', async () => {
    const dataFile = join(directory, 'state.json');
    const first = await startTestSimulator({ dataFile, seed: 5 });
    const { realmId } = await first.control.createCompany({ seed: 31, invoices: 50 });
    await first.control.applyChanges(realmId, { create: { Invoice: 3 }, update: { Customer: 2 }, delete: { Invoice: 1 }, void: { Payment: 1 } });
    const tokens = await connect(first, realmId);
    await first.control.advanceClock('P3D');
    await first.control.registerWebhook({ url: 'http://127.0.0.1:9/hooks', verifierToken: 'v', format: 'legacy' });
    await first.control.setConfig({ requestsPerMinute: 450 });
    const snapshot = await first.control.snapshot(realmId);
    const clockBefore = Date.parse((await first.control.now()).now);
    await first.close();

    // Started directly, not through startStack: what is tested is the simulator's own data file.
    const second = await startSimulator({ dataFile, seed: 5 });
    try {
      expect(await second.control.snapshot(realmId)).toEqual(snapshot);
      expect(Date.parse((await second.control.now()).now)).toBeGreaterThanOrEqual(clockBefore);
      expect((await second.control.getConfig()).requestsPerMinute).toBe(450);
      expect((await second.control.listApps()).data.map((app) => app.clientId)).toContain(APP.clientId);
      expect((await second.control.grants({ realmId })).data).toHaveLength(1);
      expect((await fetch(`${second.url}/__simulator/webhooks`).then((response) => response.json()) as { data: unknown[] }).data).toHaveLength(1);

      // The access token expired with the three days; the refresh token still works.
      expect((await api(second, realmId, tokens.accessToken, 'invoice/1')).status).toBe(401);
      const refreshed = await tokenEndpoint(second, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.refresh_token).not.toBe(tokens.refreshToken);
      expect(refreshed.body.access_token).not.toBe(tokens.accessToken);
      expect((await api(second, realmId, String(refreshed.body.access_token), 'invoice/1')).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('writes changes to the file within about a second, without waiting for close', async () => {
    const dataFile = join(directory, 'debounced.json');
    const simulator = await startSimulator({ dataFile });
    try {
      const { realmId } = await simulator.control.createCompany({ name: 'Written Soon Ltd' });
      const createdAt = performance.now();
      expect(readFileSync(dataFile, 'utf8')).not.toContain(realmId);
      while (!readFileSync(dataFile, 'utf8').includes(realmId)) {
        expect(performance.now() - createdAt, 'written within three seconds').toBeLessThan(3_000);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(performance.now() - createdAt).toBeGreaterThan(500);
    } finally {
      await simulator.close();
    }
  });

  it('refuses to start from a file that is not simulator state', async () => {
    const dataFile = join(directory, 'garbage.json');
    writeFileSync(dataFile, '{"hello":"world"}');
    await expect(startSimulator({ dataFile })).rejects.toThrow(/not a version-1 simulator state/);
  });
});
