import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../shared/config.js';
import { connectWithRetry, temporalConnectionOptions } from '../../shared/temporal-connection.js';

const dir = mkdtempSync(join(tmpdir(), 'temporal-tls-'));
const certPath = join(dir, 'client.pem');
const keyPath = join(dir, 'client.key');
writeFileSync(certPath, '-----BEGIN CERTIFICATE-----\nnot-a-real-cert\n-----END CERTIFICATE-----\n');
writeFileSync(keyPath, '-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const temporalOf = (env: NodeJS.ProcessEnv) => loadConfig('ops', { TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', DATABASE_URL: 'postgres://x/y', ...env }).temporal;

describe('connecting to Temporal', () => {
  it('uses plain gRPC when nothing asks for TLS (the dev server, a private cluster)', () => {
    expect(temporalConnectionOptions(temporalOf({}))).toEqual({ address: 'ns.acct.tmprl.cloud:7233' });
  });

  it('sends a Temporal Cloud API key over TLS', () => {
    expect(temporalConnectionOptions(temporalOf({ TEMPORAL_API_KEY: 'cloud-key' }))).toEqual({
      address: 'ns.acct.tmprl.cloud:7233',
      apiKey: 'cloud-key',
      tls: {},
    });
  });

  it('presents an mTLS client certificate read from the configured files', () => {
    const options = temporalConnectionOptions(temporalOf({ TEMPORAL_TLS_CERT_PATH: certPath, TEMPORAL_TLS_KEY_PATH: keyPath }));
    expect(options.apiKey).toBeUndefined();
    expect(options.tls?.clientCertPair?.crt.toString()).toContain('not-a-real-cert');
    expect(options.tls?.clientCertPair?.key.toString()).toContain('not-a-real-key');
  });

  it('refuses a certificate without its key, and a path with no file, naming the variables', () => {
    expect(() => temporalOf({ TEMPORAL_TLS_CERT_PATH: certPath })).toThrow(/TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH: set both/);
    expect(() => temporalOf({ TEMPORAL_TLS_CERT_PATH: certPath, TEMPORAL_TLS_KEY_PATH: join(dir, 'missing.key') })).toThrow(ConfigError);
    expect(() => temporalOf({ TEMPORAL_TLS_CERT_PATH: certPath, TEMPORAL_TLS_KEY_PATH: join(dir, 'missing.key') })).toThrow(/TEMPORAL_TLS_KEY_PATH: no file at/);
  });
});

describe('connecting while Temporal is unreachable', () => {
  const quiet = { warn: () => {} };
  const noWait = async () => {};

  it('retries until the server answers', async () => {
    let attempts = 0;
    const connection = await connectWithRetry(
      async () => {
        attempts += 1;
        if (attempts < 4) throw new Error('tcp connect error: Connection refused');
        return 'connected';
      },
      { address: 'temporal:7233', logger: quiet, sleep: noWait },
    );
    expect(connection).toBe('connected');
    expect(attempts).toBe(4);
  });

  it('gives up with the last error once the deadline has passed, so a wrong address still fails loudly', async () => {
    let attempts = 0;
    const failing = connectWithRetry(
      async () => {
        attempts += 1;
        throw new Error(`refused #${attempts}`);
      },
      { address: 'nowhere:7233', logger: quiet, sleep: noWait, giveUpAfterMs: 0 },
    );
    await expect(failing).rejects.toThrow('refused #1');
  });
});
