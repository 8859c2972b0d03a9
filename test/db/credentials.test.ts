import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client.js';
import { migrateDatabase } from '../../db/migrate.js';
import { createConnection } from '../../db/queries/connections.js';
import { loadCredentials, saveCredentials } from '../../db/queries/credentials.js';
import { createMerchant } from '../../db/queries/merchants.js';
import { createTokenSealer } from '../../shared/seal.js';
import type { QuickBooksTokenSet } from '../../shared/tokens.js';
import { createTestDatabase } from '../support/database.js';

const oldKey = randomBytes(32);
const newKey = randomBytes(32);

function tokens(suffix: string): QuickBooksTokenSet {
  return {
    realmId: '9341450000000001',
    accessToken: `eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..access-${suffix}`,
    refreshToken: `RT1-39-H3-${suffix}`,
    accessTokenExpiresAt: '2026-11-28T13:00:00.000Z',
    refreshTokenExpiresAt: '2027-03-08T12:00:00.000Z',
    refreshTokenHardExpiresAt: '2031-11-28T12:00:00.000Z',
    obtainedAt: '2026-11-28T12:00:00.000Z',
  };
}

const drivers: [string, () => Promise<DatabaseHandle & { destroy?: () => Promise<void> }>][] = [
  ['Postgres (postgres.js)', createTestDatabase],
  ['PGlite', async () => {
    const handle = await openDatabase({});
    await migrateDatabase(handle);
    return handle;
  }],
];

describe.each(drivers)('sealed credentials in %s', (_name, open) => {
  let handle: DatabaseHandle & { destroy?: () => Promise<void> };
  let connectionId: string;
  beforeAll(async () => {
    handle = await open();
    const merchant = await createMerchant(handle.db, { name: 'Acme', keyHash: randomBytes(16).toString('hex'), keyPrefix: 'qbk_test' });
    connectionId = (await createConnection(handle.db, { merchantId: merchant.id })).id;
  });
  afterAll(async () => (handle.destroy ? handle.destroy() : handle.close()));

  it('stores tokens sealed, so the raw column holds neither token', async () => {
    // Sealers built here, not taken from startStack: key rotation (old and new keys) is what is tested.
    const sealer = createTokenSealer([newKey]);
    const version = await saveCredentials(handle.db, { connectionId, tokens: tokens('one'), sealer });
    expect(version).toBe(1);

    const raw = await handle.db.execute(sql`select * from connection_credentials`);
    const text = JSON.stringify(raw);
    expect(text).not.toContain('access-one');
    expect(text).not.toContain('RT1-39-H3-one');

    const stored = await loadCredentials(handle.db, { connectionId, sealer });
    expect(stored?.tokens).toEqual(tokens('one'));
    expect(stored?.version).toBe(1);
  });

  it('bumps the version on every write and reads values sealed under a retired key', async () => {
    const before = createTokenSealer([oldKey]);
    await saveCredentials(handle.db, { connectionId, tokens: tokens('two'), sealer: before });

    const rotated = createTokenSealer([newKey, oldKey]);
    const stored = await loadCredentials(handle.db, { connectionId, sealer: rotated });
    expect(stored?.tokens.refreshToken).toBe('RT1-39-H3-two');
    expect(stored?.version).toBe(2);

    const withoutOldKey = createTokenSealer([newKey]);
    await expect(loadCredentials(handle.db, { connectionId, sealer: withoutOldKey })).rejects.toThrow(/not in TOKEN_ENCRYPTION_KEYS/);
  });
});
