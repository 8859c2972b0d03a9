/**
 * The control API's inspection and registration routes: the request log, registered apps, grants, the
 * consent page when there is no company yet, and clear 4xx answers to anything it does not understand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeConsent } from '../../simulator/consent-client.js';
import type { RunningSimulator } from '../../simulator/index.js';
import { APP, api, authorizeUrl, connect, query, startTestSimulator } from './support.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startTestSimulator();
});

afterAll(async () => {
  await simulator.close();
});

describe('without a company', () => {
  it('shows a page saying so, whose button creates a demo company to connect to', async () => {
    await expect(completeConsent(authorizeUrl(simulator), {})).rejects.toThrow(/offers no company: No QuickBooks company to connect/);
    const page = await (await fetch(authorizeUrl(simulator))).text();
    expect(page).toContain('action="/connect/oauth2/demo-company"');

    const created = await fetch(`${simulator.url}/connect/oauth2/demo-company`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URL(authorizeUrl(simulator)).searchParams.toString(),
      redirect: 'manual',
    });
    expect(created.status).toBe(303);
    const back = new URL(String(created.headers.get('location')), simulator.url).toString();
    const [company] = (await simulator.control.listCompanies()).data;
    expect(new URL(await completeConsent(back, {})).searchParams.get('realmId')).toBe(company?.realmId);
  });
});

describe('the request log', () => {
  it('records every Intuit-facing request, filterable by company, kind and time, and can be cleared', async () => {
    const { realmId } = await simulator.control.createCompany({ seed: 2 });
    const { accessToken } = await connect(simulator, realmId);
    const since = new Date().toISOString();
    await query(simulator, realmId, accessToken, 'SELECT COUNT(*) FROM Invoice');
    await api(simulator, realmId, accessToken, 'invoice/999999');

    const entries = (await simulator.control.requests({ realmId, since })).data;
    expect(entries.map(({ method, path, status, kind }) => ({ method, path, status, kind }))).toEqual([
      { method: 'GET', path: `/v3/company/${realmId}/query`, status: 200, kind: 'api' },
      { method: 'GET', path: `/v3/company/${realmId}/invoice/999999`, status: 400, kind: 'api' },
    ]);
    expect(entries[0]?.query).toContain('minorversion=75');
    const oauth = (await simulator.control.requests({ kind: 'oauth' })).data;
    expect(oauth.some((entry) => entry.path === '/oauth2/v1/tokens/bearer' && entry.status === 200 && entry.realmId === realmId)).toBe(true);
    expect(oauth.every((entry) => entry.intuitTid.startsWith('1-'))).toBe(true);
    expect((await simulator.control.requests()).data.some((entry) => entry.path.startsWith('/__simulator'))).toBe(false);

    await simulator.control.clearRequests();
    expect((await simulator.control.requests()).data).toEqual([]);
  });
});

describe('apps and grants', () => {
  it('lists apps without their secrets and grants without their tokens', async () => {
    const { data: apps } = await simulator.control.listApps();
    expect(apps).toEqual([{ clientId: APP.clientId, redirectUris: [APP.redirectUri] }]);
    const { data: grants } = await simulator.control.grants({ clientId: APP.clientId });
    expect(grants.length).toBeGreaterThan(0);
    expect(Object.keys(grants[0] ?? {}).sort()).toEqual(['clientId', 'createdAt', 'hardExpiresAt', 'id', 'realmId', 'refreshTokenExpiresAt', 'refreshes', 'status']);
  });

  it('refuses an app without redirect URIs or with a non-http one', async () => {
    for (const app of [{ clientId: 'a', clientSecret: 'b', redirectUris: [] }, { clientId: 'a', clientSecret: 'b', redirectUris: ['javascript:alert(1)'] }, { clientId: 'a' }]) {
      const response = await fetch(`${simulator.url}/__simulator/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(app) });
      expect(response.status).toBe(400);
    }
    expect((await simulator.control.registerApp({ clientId: 'second-app', clientSecret: 'x', redirectUris: ['https://app.example/callback'] })).clientId).toBe('second-app');
  });

  it('answers unknown control routes and companies with 404 JSON', async () => {
    const route = await fetch(`${simulator.url}/__simulator/teleport`, { method: 'POST' });
    expect(route.status).toBe(404);
    expect(((await route.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const company = await fetch(`${simulator.url}/__simulator/companies/0000000000000000/snapshot`);
    expect(company.status).toBe(404);
    await expect(simulator.control.getCompany('0000000000000000')).rejects.toMatchObject({ status: 404 });
  });
});
