/**
 * `GET /__simulator/tokens`: every secret the simulator handed out (codes, access tokens, refresh tokens,
 * rotated ones included), so that security tests can search databases, histories, logs and responses for
 * any of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/index.js';
import { consentCode, startTestSimulator, tokenEndpoint, APP } from './support.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startTestSimulator();
});

afterAll(async () => {
  await simulator.close();
});

describe('the issued-token list', () => {
  it('lists every code and token value issued, rotations included, filterable by company and kind', async () => {
    const { realmId } = await simulator.control.createCompany({ seed: 3, invoices: 1 });
    const { realmId: other } = await simulator.control.createCompany({ seed: 4, invoices: 1 });
    const code = await consentCode(simulator, realmId);
    const issued = await tokenEndpoint(simulator, { grant_type: 'authorization_code', code, redirect_uri: APP.redirectUri });
    await simulator.control.advanceClock('P1D'); // Intuit changes the refresh token's value about daily
    const refreshed = await tokenEndpoint(simulator, { grant_type: 'refresh_token', refresh_token: String(issued.body.refresh_token) });
    expect(refreshed.status).toBe(200);
    await consentCode(simulator, other);

    const mine = (await simulator.control.tokens({ realmId })).data;
    expect(mine.map((secret) => [secret.kind, secret.value])).toEqual([
      ['authorization_code', code],
      ['refresh_token', issued.body.refresh_token],
      ['access_token', issued.body.access_token],
      ['refresh_token', refreshed.body.refresh_token],
      ['access_token', refreshed.body.access_token],
    ]);
    expect(mine.every((secret) => secret.clientId === APP.clientId && secret.realmId === realmId && !Number.isNaN(Date.parse(secret.issuedAt)))).toBe(true);
    expect(mine.filter((secret) => secret.kind !== 'authorization_code').every((secret) => secret.grantId?.startsWith('grant-'))).toBe(true);

    expect((await simulator.control.tokens({ kind: 'authorization_code' })).data.map((secret) => secret.realmId)).toEqual([realmId, other]);
    expect((await simulator.control.tokens({ realmId: other, kind: 'access_token' })).data).toEqual([]);
  });

  it('refuses an unknown filter with a 400', async () => {
    const response = await fetch(`${simulator.url}/__simulator/tokens?kind=id_token`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  });
});
