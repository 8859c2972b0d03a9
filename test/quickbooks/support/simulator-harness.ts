/**
 * Shared set-up for the QuickBooks client's integration tests: one registered app, our OAuth client
 * pointed at a running simulator the way config.ts points it (QBO_SIMULATOR_URL), and a helper that
 * plays the merchant through consent.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { Writable } from 'node:stream';
import { intuitEndpoints } from '../../../shared/config.js';
import { createLogger, type Logger } from '../../../shared/logger.js';
import type { QuickBooksTokenSet } from '../../../shared/tokens.js';
import { completeConsent } from '../../../simulator/consent-client.js';
import { startSimulator, type RunningSimulator, type SimulatorConfig } from '../../../simulator/index.js';
import { parseAuthorizationCallback } from '../../../quickbooks/authorization-callback.js';
import { QuickBooksError } from '../../../quickbooks/errors.js';
import { createIntuitOAuth, type IntuitOAuth, type IntuitOAuthOptions } from '../../../quickbooks/oauth.js';

export const TEST_APP = {
  clientId: 'ABtestClientId0123456789quickbooks',
  clientSecret: 'testClientSecret0123456789abcdefABCDEF',
  redirectUri: 'http://localhost:3000/oauth/quickbooks/callback',
};

// Tests of the QuickBooks client itself: they build it with per-test options (timeouts, loggers, apps) that startStack's fixed wiring would hide.
export async function startTestSimulator(config?: Partial<SimulatorConfig>): Promise<RunningSimulator> {
  return startSimulator({
    apps: [{ clientId: TEST_APP.clientId, clientSecret: TEST_APP.clientSecret, redirectUris: [TEST_APP.redirectUri] }],
    seed: 20_240_601,
    config,
  });
}

export function oauthFor(simulator: RunningSimulator, overrides: Partial<IntuitOAuthOptions> = {}): IntuitOAuth {
  return createIntuitOAuth({
    ...TEST_APP,
    environment: 'sandbox',
    endpoints: intuitEndpoints('sandbox', simulator.url),
    ...overrides,
  });
}

/** Authorize → consent (Connect) → callback → code exchange, as the API's callback route does. */
export async function connect(oauth: IntuitOAuth, realmId: string): Promise<QuickBooksTokenSet> {
  const state = randomUUID();
  const callback = parseAuthorizationCallback(await completeConsent(oauth.authorizeUrl({ state }), { realmId }));
  if (callback.outcome !== 'authorized') throw new Error(`consent did not authorize: ${JSON.stringify(callback)}`);
  if (callback.state !== state) throw new Error('the callback state does not match');
  return oauth.exchangeCode(callback);
}

/** A pino logger (with the shared redaction rules) whose every line lands in `lines`. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return { logger: createLogger({ level: 'trace', destination }), lines };
}

/** The typed error a call failed with (the test fails if the call succeeds or throws something untyped). */
export async function failureOf(promise: Promise<unknown>): Promise<QuickBooksError> {
  const error = await promise.then(
    () => expect.fail('expected the call to fail'),
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(QuickBooksError);
  return error as QuickBooksError;
}
