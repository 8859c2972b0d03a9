/**
 * Intuit's refresh tokens as the simulator now serves them by default: within about a day a refresh
 * answers with the same refresh-token value and an `x_refresh_token_expires_in` that counts down; the
 * value changes roughly daily, with a full lifetime. The connection must treat a same-value answer as
 * the success it is, and store the lifetime it was given rather than assume a fresh 100 days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCredentials } from '../../db/queries/credentials.js';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

const TOKEN_PATH = '/oauth2/v1/tokens/bearer';
const FULL_LIFETIME_MS = 8_726_400_000;

describe("a connection refreshing under Intuit's refresh-token semantics", () => {
  let fixture: SyncFixture;
  beforeAll(async () => {
    // Access tokens of one second: every cycle refreshes. Rotation is left at the simulator's default.
    fixture = await startSyncFixture({ simulatorConfig: { accessTokenTtlSeconds: 1 }, workflow: { syncIntervalMs: 250 } });
  });
  afterAll(async () => fixture?.close());

  it('keeps the same refresh token with the lifetime Intuit gives it, then takes the daily new value', { timeout: 90_000 }, async () => {
    const startedAt = new Date().toISOString();
    const connection = await fixture.connect({ company: { seed: 41, customers: 5, items: 3, invoices: 20 } });
    await fixture.waitForSnapshotMatch(connection);
    const stored = async () => (await loadCredentials(fixture.db.db, { connectionId: connection.connectionId, sealer: fixture.sealer }))!.tokens;
    const lifetime = async () => {
      const tokens = await stored();
      return Date.parse(tokens.refreshTokenExpiresAt) - Date.parse(tokens.obtainedAt);
    };
    const refreshes = async () => (await fixture.simulator.control.requests({ since: startedAt })).data.filter((call) => call.path === TOKEN_PATH);
    const issued = (await stored()).refreshToken;

    // Five hours on, same-day refreshes answer with the same value and five hours less to live.
    await fixture.simulator.control.advanceClock('PT5H');
    const before = (await refreshes()).length;
    await expect.poll(async () => (await refreshes()).length, { timeout: 30_000, interval: 250 }).toBeGreaterThanOrEqual(before + 3);
    await expect.poll(lifetime, { timeout: 10_000, interval: 250 }).toBeLessThanOrEqual(FULL_LIFETIME_MS - 5 * 3_600_000);
    expect(await lifetime()).toBeGreaterThan(FULL_LIFETIME_MS - 5 * 3_600_000 - 60_000);
    expect((await stored()).refreshToken).toBe(issued);
    expect(await fixture.status(connection)).toMatchObject({ status: 'active', lastError: null });

    // A day on, the value changes and the stored lifetime is whole again; nothing ever failed.
    await fixture.simulator.control.advanceClock('P1D');
    await expect.poll(async () => (await stored()).refreshToken, { timeout: 30_000, interval: 250 }).not.toBe(issued);
    await expect.poll(lifetime, { timeout: 10_000, interval: 250 }).toBe(FULL_LIFETIME_MS);
    expect((await refreshes()).filter((call) => call.status !== 200)).toEqual([]);
    expect(await fixture.status(connection)).toMatchObject({ status: 'active', lastError: null });
    await fixture.simulator.control.applyChanges(connection.realmId, { create: { Invoice: 2 } });
    await fixture.waitForSnapshotMatch(connection);
  });
});
