/**
 * What `npm start` runs, decided from the configuration alone: every piece is embedded unless the
 * environment names a real one (TEMPORAL_ADDRESS, DATABASE_URL, INTUIT_CLIENT_ID / QBO_SIMULATOR_URL).
 * Pure functions, so the decisions are unit-tested without starting anything.
 */
import { join } from 'node:path';
import { ConfigError, intuitEndpoints, type Config } from '../shared/config.js';
import { parseEncryptionKeys } from '../shared/seal.js';
import type { LocalSecrets } from './secrets.js';

export type TemporalPlan =
  | { kind: 'embedded'; port: number; uiPort: number; dbFilename: string }
  | { kind: 'external'; address: string };

/** PGlite is also served over the Postgres wire protocol on `port`, so other processes (ops, psql) reach it. */
export type DatabasePlan = { kind: 'pglite'; dataDir: string; port: number } | { kind: 'postgres'; url: string };

/**
 * `embedded-simulator`: the simulator runs inside `npm start` (nothing Intuit-related configured).
 * `external-simulator`: QBO_SIMULATOR_URL names a running simulator (set up like the embedded one).
 * `intuit`: INTUIT_CLIENT_ID without QBO_SIMULATOR_URL: the real Intuit, nothing is generated for it.
 */
export type IntuitPlan = { kind: 'embedded-simulator'; port: number } | { kind: 'external-simulator'; url: string } | { kind: 'intuit' };

export interface StartPlan {
  dataDir: string;
  temporal: TemporalPlan;
  database: DatabasePlan;
  intuit: IntuitPlan;
  /** The simulator's state file (embedded simulator only). */
  simulatorDataFile: string;
}

export function planStart(config: Config, dataDir: string): StartPlan {
  const { intuit } = config;
  if (intuit.clientId && !intuit.simulatorUrl && !intuit.clientSecret) {
    throw new ConfigError(['INTUIT_CLIENT_SECRET: required with INTUIT_CLIENT_ID when QBO_SIMULATOR_URL is unset (the real Intuit)']);
  }
  return {
    dataDir,
    temporal: config.temporal.address
      ? { kind: 'external', address: config.temporal.address }
      : { kind: 'embedded', port: config.temporalDevServer.port, uiPort: config.temporalDevServer.uiPort, dbFilename: join(dataDir, 'temporal.sqlite') },
    database: config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'pglite', dataDir: config.pgliteDataDir ?? join(dataDir, 'pglite'), port: config.pglitePort },
    intuit: intuit.simulatorUrl
      ? { kind: 'external-simulator', url: intuit.simulatorUrl }
      : intuit.clientId
        ? { kind: 'intuit' }
        : { kind: 'embedded-simulator', port: config.simulatorPort },
    simulatorDataFile: join(dataDir, 'simulator.json'),
  };
}

/**
 * The configuration the API and the worker run with: what the environment says, completed with the
 * kept secrets, the embedded Temporal address and (with a simulator) its URL for every Intuit endpoint.
 */
export function effectiveConfig(config: Config, secrets: LocalSecrets, resolved: { temporalAddress: string; simulatorUrl: string | undefined }): Config {
  const simulated = resolved.simulatorUrl !== undefined;
  return {
    ...config,
    temporal: { ...config.temporal, address: resolved.temporalAddress },
    intuit: {
      ...config.intuit,
      clientId: config.intuit.clientId ?? secrets.intuitClientId,
      clientSecret: config.intuit.clientSecret ?? secrets.intuitClientSecret,
      webhookVerifierToken: config.intuit.webhookVerifierToken ?? (simulated ? secrets.webhookVerifierToken : undefined),
      simulatorUrl: resolved.simulatorUrl,
      endpoints: intuitEndpoints(config.intuit.environment, resolved.simulatorUrl),
    },
    tokenEncryptionKeys: config.tokenEncryptionKeys ?? parseEncryptionKeys(secrets.tokenEncryptionKey),
    adminApiKey: config.adminApiKey ?? secrets.adminApiKey,
  };
}
