/**
 * The start command's decisions, without starting anything: what is embedded and what the environment
 * replaces, the configuration the API and worker get, the secrets kept across restarts, and when the
 * kept workflow bundle is rebuilt.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { effectiveConfig, planStart } from '../../local/plan.js';
import { loadOrCreateSecrets } from '../../local/secrets.js';
import { workflowSourceKey } from '../../worker/workflow-bundle.js';
import { ConfigError, loadConfig } from '../../shared/config.js';

const DATA = '/data/here';
const KEY = Buffer.alloc(32, 7).toString('base64');

describe('planStart', () => {
  it('embeds everything when nothing is configured, on the default ports, with every file in the data folder', () => {
    const plan = planStart(loadConfig('start', {}), DATA);
    expect(plan.temporal).toEqual({ kind: 'embedded', port: 7233, uiPort: 8233, dbFilename: `${DATA}/temporal.sqlite` });
    expect(plan.database).toEqual({ kind: 'pglite', dataDir: `${DATA}/pglite`, port: 5433 });
    expect(plan.intuit).toEqual({ kind: 'embedded-simulator', port: 4010 });
    expect(plan.simulatorDataFile).toBe(`${DATA}/simulator.json`);
  });

  it('uses the Temporal server, the database and the Intuit app the environment names', () => {
    const plan = planStart(
      loadConfig('start', { TEMPORAL_ADDRESS: 'temporal.internal:7233', DATABASE_URL: 'postgres://app@db/app', INTUIT_CLIENT_ID: 'real-id', INTUIT_CLIENT_SECRET: 'real-secret' }),
      DATA,
    );
    expect(plan.temporal).toEqual({ kind: 'external', address: 'temporal.internal:7233' });
    expect(plan.database).toEqual({ kind: 'postgres', url: 'postgres://app@db/app' });
    expect(plan.intuit).toEqual({ kind: 'intuit' });
  });

  it('talks to a simulator that runs elsewhere when QBO_SIMULATOR_URL is set, with or without an app id', () => {
    expect(planStart(loadConfig('start', { QBO_SIMULATOR_URL: 'http://simulator:4010/' }), DATA).intuit).toEqual({ kind: 'external-simulator', url: 'http://simulator:4010' });
    expect(planStart(loadConfig('start', { QBO_SIMULATOR_URL: 'http://simulator:4010', INTUIT_CLIENT_ID: 'id' }), DATA).intuit.kind).toBe('external-simulator');
  });

  it('refuses the real Intuit without the app secret, naming the variable', () => {
    expect(() => planStart(loadConfig('start', { INTUIT_CLIENT_ID: 'real-id' }), DATA)).toThrow(ConfigError);
    expect(() => planStart(loadConfig('start', { INTUIT_CLIENT_ID: 'real-id' }), DATA)).toThrow(/INTUIT_CLIENT_SECRET/);
  });

  it('moves the embedded Temporal and the PGlite folder where the environment says', () => {
    const plan = planStart(loadConfig('start', { TEMPORAL_DEV_SERVER_PORT: '7333', TEMPORAL_DEV_SERVER_UI_PORT: '8333', PGLITE_DATA_DIR: '/elsewhere/pg', PGLITE_PORT: '5533' }), DATA);
    expect(plan.temporal).toMatchObject({ port: 7333, uiPort: 8333 });
    expect(plan.database).toEqual({ kind: 'pglite', dataDir: '/elsewhere/pg', port: 5533 });
  });
});

describe('effectiveConfig', () => {
  const secrets = {
    tokenEncryptionKey: KEY,
    adminApiKey: 'kept-admin-key-0123456789',
    intuitClientId: 'local-app',
    intuitClientSecret: 'local-secret',
    webhookVerifierToken: 'local-verifier',
    databasePassword: 'local-database-password',
  };

  it('completes an empty environment with the kept secrets and points every Intuit endpoint at the simulator', () => {
    const config = effectiveConfig(loadConfig('start', {}), secrets, { temporalAddress: '127.0.0.1:7233', simulatorUrl: 'http://127.0.0.1:4010' });
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.adminApiKey).toBe(secrets.adminApiKey);
    expect(config.tokenEncryptionKeys).toEqual([Buffer.from(KEY, 'base64')]);
    expect(config.intuit).toMatchObject({ clientId: 'local-app', clientSecret: 'local-secret', webhookVerifierToken: 'local-verifier', simulatorUrl: 'http://127.0.0.1:4010' });
    expect(config.intuit.endpoints.authorize).toBe('http://127.0.0.1:4010/connect/oauth2');
    expect(config.intuit.redirectUri).toBe('http://localhost:3000/oauth/quickbooks/callback');
  });

  it('lets the environment win, and invents nothing for the real Intuit', () => {
    const env = { ADMIN_API_KEY: 'from-the-environment-0123', INTUIT_CLIENT_ID: 'real-id', INTUIT_CLIENT_SECRET: 'real-secret', PUBLIC_BASE_URL: 'https://sync.example.com' };
    const config = effectiveConfig(loadConfig('start', env), secrets, { temporalAddress: 'temporal:7233', simulatorUrl: undefined });
    expect(config.adminApiKey).toBe('from-the-environment-0123');
    expect(config.intuit).toMatchObject({ clientId: 'real-id', clientSecret: 'real-secret', webhookVerifierToken: undefined, simulatorUrl: undefined });
    expect(config.intuit.endpoints.authorize).toBe('https://appcenter.intuit.com/connect/oauth2');
    expect(config.intuit.redirectUri).toBe('https://sync.example.com/oauth/quickbooks/callback');
  });
});

describe('kept secrets and the workflow bundle key', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'qbo-plan-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates the secrets once, owner-only, and gives the same ones back on every later start', () => {
    const first = loadOrCreateSecrets(dir);
    expect(first.created.sort()).toEqual(['adminApiKey', 'databasePassword', 'intuitClientId', 'intuitClientSecret', 'tokenEncryptionKey', 'webhookVerifierToken']);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(Buffer.from(first.secrets.tokenEncryptionKey, 'base64')).toHaveLength(32);
    expect(first.secrets.adminApiKey.length).toBeGreaterThanOrEqual(16);

    const second = loadOrCreateSecrets(dir);
    expect(second).toEqual({ secrets: first.secrets, created: [] });
  });

  it('keeps what is there, adds what is missing, and tightens a file someone loosened', () => {
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ adminApiKey: 'an-older-admin-key-012345' }), { mode: 0o644 });
    chmodSync(join(dir, 'secrets.json'), 0o644);
    const { secrets, created } = loadOrCreateSecrets(dir);
    expect(secrets.adminApiKey).toBe('an-older-admin-key-012345');
    expect(created).not.toContain('adminApiKey');
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'))).toEqual(secrets);
  });

  it('changes the bundle key when workflow code, a shared module or the installed packages change', () => {
    mkdirSync(join(dir, 'workflows'));
    mkdirSync(join(dir, 'shared'));
    writeFileSync(join(dir, 'workflows', 'index.ts'), 'export const a = 1;');
    writeFileSync(join(dir, 'shared', 'contract.ts'), 'export const b = 1;');
    writeFileSync(join(dir, 'package-lock.json'), '{}');
    const key = workflowSourceKey(dir);
    expect(workflowSourceKey(dir)).toBe(key);
    writeFileSync(join(dir, 'workflows', 'index.ts'), 'export const a = 2;');
    const afterWorkflow = workflowSourceKey(dir);
    expect(afterWorkflow).not.toBe(key);
    writeFileSync(join(dir, 'shared', 'contract.ts'), 'export const b = 2;');
    const afterShared = workflowSourceKey(dir);
    expect(afterShared).not.toBe(afterWorkflow);
    writeFileSync(join(dir, 'package-lock.json'), '{"v":2}');
    expect(workflowSourceKey(dir)).not.toBe(afterShared);
  });
});
