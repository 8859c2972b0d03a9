/**
 * Intuit's less common error forms, each produced by the real simulator over HTTP and classified by our
 * client. Every test quotes the form it reproduces and where it was recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/index.js';
import type { QuickBooksTokenSet } from '../../shared/tokens.js';
import { createAccountingApi, type AccountingApi } from '../../quickbooks/accounting-api.js';
import { classifyApiAnswer } from '../../quickbooks/classify-api-failure.js';
import { GrantInvalidError, PermanentQuickBooksError } from '../../quickbooks/errors.js';
import { parseJsonExactly } from '../../quickbooks/json.js';
import { connect, failureOf, oauthFor, startTestSimulator } from './support/simulator-harness.js';

let simulator: RunningSimulator;
let realmId: string;
let tokens: QuickBooksTokenSet;
let api: AccountingApi;

beforeAll(async () => {
  simulator = await startTestSimulator();
  ({ realmId } = await simulator.control.createCompany({ invoices: 5, customers: 3, items: 2 }));
  tokens = await connect(oauthFor(simulator), realmId);
  api = createAccountingApi({ baseUrl: simulator.url, requestTimeoutMs: 5_000 });
});
afterAll(async () => {
  await simulator?.close();
});

describe("Intuit's error variants, classified", () => {
  // <Fault type="ValidationFault"><Error code="4001"><Message>Invalid query</Message><Detail>QueryValidationError: …</Detail>
  // (ruckus/quickbooks-ruby spec/fixtures/query_validation_error.xml); an unknown entity answers this way.
  it('an unknown entity in a query → 400 4001 "Invalid query" → PermanentQuickBooksError (our statement is wrong; retrying cannot help)', async () => {
    const error = await failureOf(api.query({ realmId, accessToken: tokens.accessToken, statement: 'SELECT * FROM Spaceship' }));
    expect(error).toBeInstanceOf(PermanentQuickBooksError);
    expect(error).toMatchObject({ status: 400, code: '4001', faultType: 'ValidationFault', retryable: false });
    expect(error.message).toContain('Invalid query');
  });

  // {"Fault":{"Error":[{"Message":"Invalid ID","Detail":"Id should be a valid number. Supplied value:abc","code":"2030","element":"id"}],"type":"ValidationFault"},"time":…}
  it('a read with a malformed id → 400 2030 "Invalid ID" → PermanentQuickBooksError', async () => {
    const error = await failureOf(api.read({ realmId, accessToken: tokens.accessToken, entity: 'Invoice', id: 'abc' }));
    expect(error).toBeInstanceOf(PermanentQuickBooksError);
    expect(error).toMatchObject({ status: 400, code: '2030', retryable: false });
    expect(error.message).toContain('Invalid ID');
  });

  // HTTP 200 with {"Fault":{"Error":[{"Message":"An application error has occurred while processing your request",
  // "Detail":"System Failure Error: …","code":"10000"}],"type":"SystemFault"},"time":…} (Message and code as in
  // ruckus/quickbooks-ruby spec/fixtures/generic_error.xml). Our client never sends a CDC without entities (it
  // refuses locally), so the simulator's answer is fed to the classifier as the exchange would.
  it('a CDC without entities → HTTP 200 carrying a SystemFault 10000 → PermanentQuickBooksError, never a success', async () => {
    await expect(api.cdc({ realmId, accessToken: tokens.accessToken, entities: [], changedSince: new Date() })).rejects.toBeInstanceOf(PermanentQuickBooksError);
    const response = await fetch(`${simulator.url}/v3/company/${realmId}/cdc?changedSince=2026-01-01&minorversion=75`, { headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' } });
    expect(response.status).toBe(200);
    const bodyText = await response.text();
    const error = classifyApiAnswer(
      { status: 200, body: parseJsonExactly(bodyText), bodyText, intuitTid: response.headers.get('intuit-tid') ?? undefined, retryAfterHeader: null },
      { operation: 'cdc', realmId, secrets: [tokens.accessToken] },
    );
    expect(error).toBeInstanceOf(PermanentQuickBooksError);
    expect(error).toMatchObject({ status: 200, code: '10000', faultType: 'SystemFault' });
    expect(error.message).toContain('answered HTTP 200 with a Fault');
  });

  // {"warnings":null,"intuitObject":null,"fault":{"error":[{"message":"message=AuthorizationFailed; errorCode=003100; statusCode=403",
  // "detail":null,"code":"3100","element":null}],"type":"SERVICE"},…,"time":1543012192555,…} (intuit/oauth-jsclient#2)
  it('403 AuthorizationFailed with detail null → PermanentQuickBooksError 3100, its message intact', async () => {
    const { realmId: other } = await simulator.control.createCompany({ invoices: 1 });
    const error = await failureOf(api.count({ realmId: other, accessToken: tokens.accessToken, entity: 'Invoice' }));
    expect(error).toBeInstanceOf(PermanentQuickBooksError);
    expect(error).toMatchObject({ status: 403, code: '3100', faultType: 'SERVICE' });
    expect(error.message).toContain('message=AuthorizationFailed; errorCode=003100; statusCode=403');
    expect(error.message).not.toContain('null');
  });

  // Revoking a token whose grant already ended: HTTP 400 with an empty body (simstudioai/sim#6099 review).
  it('revoking an already revoked token → 400 with an empty body → GrantInvalidError (the grant was already dead)', async () => {
    const oauth = oauthFor(simulator);
    const doomed = await connect(oauth, realmId);
    await oauth.revoke({ token: doomed.refreshToken });
    const error = await failureOf(oauth.revoke({ token: doomed.refreshToken }));
    expect(error).toBeInstanceOf(GrantInvalidError);
    expect(error).toMatchObject({ status: 400, retryable: false });
  });
});
