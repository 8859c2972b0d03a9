/**
 * Realm proof on a first connect: before recording the company a callback names, the API reads that
 * company's CompanyInfo with the new tokens. Consent given for company R2 but a callback rewritten to
 * name R3 is refused (QuickBooks answers 403): the tokens are revoked at Intuit, the connection stays
 * `pending_authorization` without a realm, no workflow starts, and the merchant is told why (JSON 4xx,
 * or a dashboard message for a browser). Runs against the simulator's real OAuth and Accounting API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConnection } from '../../db/queries/connections.js';
import { workflowIdForConnection } from '../../shared/contract.js';
import type { RunningSimulator } from '../../simulator/index.js';
import { createApiHarness, type SimulatedApiHarness } from './support/harness.js';
import { API_SIMULATOR, callback, consentToNewConnection, workflowExists } from './support/oauth-flow.js';

describe('realm proof on a first connect', () => {
  let h: SimulatedApiHarness;
  let simulator: RunningSimulator;
  const logLines: string[] = [];

  beforeAll(async () => {
    h = await createApiHarness({ simulator: API_SIMULATOR, proveRealms: true, logLines });
    simulator = h.simulator;
  });
  afterAll(async () => {
    await h?.close();
  });

  const newCompany = async () => (await simulator.control.createCompany({ invoices: 1, customers: 1 })).realmId;

  /** Consent for `consented`, then the callback's realmId rewritten to `named`. */
  async function rewrittenCallback(consented: string, named: string) {
    const merchant = await h.createMerchant();
    const { connectionId, callbackPath } = await consentToNewConnection(h, merchant.apiKey, { realmId: consented });
    const url = new URL(callbackPath, 'http://x');
    expect(url.searchParams.get('realmId')).toBe(consented);
    url.searchParams.set('realmId', named);
    return { connectionId, path: `${url.pathname}${url.search}` };
  }

  async function expectNothingConnected(connectionId: string, consented: string) {
    expect(await getConnection(h.database.db, connectionId)).toMatchObject({ status: 'pending_authorization', realmId: null });
    expect(await workflowExists(h.temporal, connectionId)).toBe(false);
    // The grant the merchant gave (for the company it chose) was withdrawn at Intuit.
    expect((await simulator.control.grants({ realmId: consented })).data.map((grant) => grant.status)).toEqual(['revoked']);
    // The refusal is logged, without the code or a token it involved.
    const logs = logLines.join('');
    expect(logs).toContain(connectionId);
    const secrets = (await simulator.control.tokens({ realmId: consented })).data.map((issued) => issued.value);
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) expect(logs).not.toContain(secret);
  }

  it('refuses a callback naming a company the tokens do not reach, revokes them, and tells an API client why', async () => {
    const consented = await newCompany();
    const named = await newCompany();
    const { connectionId, path } = await rewrittenCallback(consented, named);
    const response = await callback(h, path);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('realm_not_authorized');
    expect(body.error.message).toContain(named);
    await expectNothingConnected(connectionId, consented);
  });

  it('sends a browser back to the dashboard with a message saying nothing was connected', async () => {
    const consented = await newCompany();
    const { connectionId, path } = await rewrittenCallback(consented, await newCompany());
    const response = await callback(h, path, { accept: 'text/html' });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('realm_not_authorized');
    const page = await (await h.request(`${location.pathname}${location.search}`)).text();
    expect(page).toContain('QuickBooks did not give access to the company named when you came back, so nothing was connected');
    await expectNothingConnected(connectionId, consented);
  });

  it('records a first connect once the named company’s CompanyInfo is read, names it everywhere, and sizes its first backfill', async () => {
    const created = await simulator.control.createCompany({ invoices: 3, customers: 2, items: 1 });
    const merchant = await h.createMerchant('Named Merchant');
    const { connectionId, callbackPath } = await consentToNewConnection(h, merchant.apiKey, { realmId: created.realmId });
    expect((await callback(h, callbackPath)).status).toBe(200);
    const connection = await getConnection(h.database.db, connectionId);
    const truth = await simulator.control.snapshot(created.realmId);
    const live = Object.values(truth.entities).flat().filter((record) => !record.deleted).length;
    expect(connection).toMatchObject({ realmId: created.realmId, companyName: created.name, companyCountry: 'US', homeCurrency: 'USD', backfillEstimatedTotal: live });

    const view = (await (await h.request(`/v1/connections/${connectionId}`, { headers: { authorization: `Bearer ${merchant.apiKey}` } })).json()) as Record<string, unknown>;
    expect(view).toMatchObject({ companyName: created.name, companyCountry: 'US', homeCurrency: 'USD' });
    // The workflow's summary in the Temporal UI names the company as the merchant knows it.
    const description = await h.temporal.client.workflow.getHandle(workflowIdForConnection(connectionId)).describe();
    expect(await description.staticSummary()).toBe(`QuickBooks ${created.name} · Named Merchant`);
  });
});
