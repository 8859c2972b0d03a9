/** `queryText` / `cdcText` against the real simulator: the page's text as sent, and the same typed failures as `query`. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountingApi, type AccountingApi } from '../../quickbooks/accounting-api.js';
import { PermanentQuickBooksError, TransientQuickBooksError } from '../../quickbooks/errors.js';
import { changedSinceQuery } from '../../quickbooks/queries.js';
import type { RunningSimulator } from '../../simulator/index.js';
import type { QuickBooksTokenSet } from '../../shared/tokens.js';
import { connect, oauthFor, startTestSimulator } from './support/simulator-harness.js';

let simulator: RunningSimulator;
let realmId: string;
let tokens: QuickBooksTokenSet;
let api: AccountingApi;

beforeAll(async () => {
  simulator = await startTestSimulator();
  ({ realmId } = await simulator.control.createCompany({ invoices: 12, customers: 3 }));
  tokens = await connect(oauthFor(simulator), realmId);
  api = createAccountingApi({ baseUrl: simulator.url, requestTimeoutMs: 5_000 });
});
afterAll(async () => {
  await simulator?.close();
});

describe('answers as text', () => {
  const statement = changedSinceQuery({ entity: 'Invoice', since: '2000-01-01T00:00:00Z', maxResults: 5 });

  it('hands back the page exactly as QuickBooks sent it, with its server time', async () => {
    const answer = await api.queryText({ realmId, accessToken: tokens.accessToken, statement });
    const parsed = await api.query({ realmId, accessToken: tokens.accessToken, statement });
    const body = JSON.parse(answer.bodyText) as { QueryResponse: { Invoice: { Id: string }[] }; time: string };
    expect(body.QueryResponse.Invoice.map((invoice) => invoice.Id)).toEqual(parsed.records.map((record) => record.Id));
    expect(answer.serverTime(body.time)).toBe(body.time);
    expect(answer.intuitTid).toMatch(/^1-/);
    // no `time` in the body: the HTTP Date header
    expect(Date.parse(answer.serverTime(undefined))).not.toBeNaN();
    expect(answer.unexpected('a QueryResponse')).toBeInstanceOf(TransientQuickBooksError);
  });

  it('answers CDC as text', async () => {
    const answer = await api.cdcText({ realmId, accessToken: tokens.accessToken, entities: ['Invoice', 'Customer'], changedSince: new Date(Date.now() - 3_600_000) });
    expect(JSON.parse(answer.bodyText)).toHaveProperty('CDCResponse');
  });

  it('turns faults into the same typed errors as the parsed calls', async () => {
    await simulator.control.setFaults({ rules: [{ kind: '500', rate: 1, remaining: 1 }] });
    await expect(api.queryText({ realmId, accessToken: tokens.accessToken, statement })).rejects.toBeInstanceOf(TransientQuickBooksError);
    await expect(api.queryText({ realmId, accessToken: tokens.accessToken, statement: 'SELECT * FROM Nothing' })).rejects.toBeInstanceOf(PermanentQuickBooksError);
  });
});
