/**
 * The one place that reads the environment. Every entry point calls `loadConfig(role)` at start-up;
 * it validates every variable the role needs and fails with one message naming each problem.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { parseEncryptionKeys } from './seal.js';
import { DEFAULT_TASK_QUEUE } from './contract.js';
import { parseDuration } from './duration.js';

export type ProcessRole = 'api' | 'worker' | 'start' | 'simulator' | 'ops';

const duration = z.string().transform((value, ctx) => {
  const parsed = parseDuration(value);
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration such as 30s, 15m or 1h` });
    return z.NEVER;
  }
  return parsed;
});

/**
 * Workflows a worker keeps in memory between their tasks. The SDK's default grows with the heap limit
 * (about 600 per GiB, 2,300 on a 24 GiB machine), and each costs roughly a megabyte of RSS: `npm run
 * bench` saw a 1,000-connection fleet pass 1 GiB with it. A connection syncs every 15 minutes, so
 * keeping it cached saves little: an evicted one replays its history (kept short by continue-as-new)
 * at its next cycle, and a parked one costs nothing until the merchant returns.
 */
export const DEFAULT_WORKER_MAX_CACHED_WORKFLOWS = 300;

const url = z.string().url().transform((value) => value.replace(/\/+$/, ''));
const port = z.coerce.number().int().min(0).max(65535);
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const encryptionKeys = z.string().transform((value, ctx) => {
  try {
    return parseEncryptionKeys(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const schema = z.object({
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')),
  PGLITE_DATA_DIR: optional(z.string()),
  PGLITE_PORT: optional(port).default(5433),
  TEMPORAL_ADDRESS: optional(z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port')),
  TEMPORAL_NAMESPACE: optional(z.string().min(1)).default('default'),
  TEMPORAL_TASK_QUEUE: optional(z.string().min(1)).default(DEFAULT_TASK_QUEUE),
  TEMPORAL_API_KEY: optional(z.string().min(1)),
  TEMPORAL_TLS_CERT_PATH: optional(z.string().min(1)),
  TEMPORAL_TLS_KEY_PATH: optional(z.string().min(1)),
  TEMPORAL_CLI_PATH: optional(z.string()),
  TEMPORAL_TEST_SERVER_PATH: optional(z.string()),
  PORT: optional(port).default(3000),
  TRUST_PROXY_HOPS: optional(z.coerce.number().int().min(0).max(10)).default(0),
  WORKER_METRICS_PORT: optional(port).default(9464),
  WORKER_MAX_CACHED_WORKFLOWS: optional(z.coerce.number().int().min(0)).default(DEFAULT_WORKER_MAX_CACHED_WORKFLOWS),
  WORKFLOW_BUNDLE_PATH: optional(z.string().min(1)),
  WORKER_WORKFLOW_STACK_TRACES: optional(z.enum(['on', 'off'])).default('off'),
  PUBLIC_BASE_URL: optional(url),
  INTUIT_CLIENT_ID: optional(z.string().min(1)),
  INTUIT_CLIENT_SECRET: optional(z.string().min(1)),
  INTUIT_ENVIRONMENT: optional(z.enum(['sandbox', 'production'])).default('sandbox'),
  INTUIT_REDIRECT_URI: optional(z.string().url()),
  INTUIT_WEBHOOK_VERIFIER_TOKEN: optional(z.string().min(1)),
  QBO_SIMULATOR_URL: optional(url),
  TOKEN_ENCRYPTION_KEYS: optional(encryptionKeys),
  ADMIN_API_KEY: optional(z.string().min(16, 'must be at least 16 characters')),
  SYNC_INTERVAL: optional(duration).default(15 * 60 * 1000),
  SIMULATOR_PORT: optional(port).default(4010),
  DATA_DIR: optional(z.string().min(1)),
  TEMPORAL_DEV_SERVER_PORT: optional(port).default(7233),
  TEMPORAL_DEV_SERVER_UI_PORT: optional(port).default(8233),
  SMTP_URL: optional(z.string().regex(/^smtps?:\/\/[^\s/]+(:\d+)?\/?$/, 'must be smtp://user:pass@host:port or smtps://user:pass@host:port')),
  EMAIL_FROM: optional(z.string().min(3).max(320)),
  MAIL_SINK_PORT: optional(port).default(4025),
  LOG_LEVEL: optional(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])).default('info'),
});

type Env = z.infer<typeof schema>;

/** What each process cannot start without. */
const REQUIRED: Record<ProcessRole, (keyof Env)[]> = {
  api: ['TEMPORAL_ADDRESS', 'DATABASE_URL', 'TOKEN_ENCRYPTION_KEYS', 'INTUIT_CLIENT_ID', 'INTUIT_CLIENT_SECRET', 'ADMIN_API_KEY'],
  worker: ['TEMPORAL_ADDRESS', 'DATABASE_URL', 'TOKEN_ENCRYPTION_KEYS', 'INTUIT_CLIENT_ID', 'INTUIT_CLIENT_SECRET'],
  ops: ['TEMPORAL_ADDRESS', 'DATABASE_URL'],
  start: [],
  simulator: [],
};

export interface IntuitEndpoints {
  authorize: string;
  token: string;
  revoke: string;
  /** Base of the Accounting API, without a trailing slash (…/v3/company/:realmId is appended). */
  accountingApi: string;
}

export interface TemporalConfig {
  address: string | undefined;
  namespace: string;
  taskQueue: string;
  /** Temporal Cloud API key authentication (implies TLS). A secret: never logged. */
  apiKey: string | undefined;
  /** mTLS client certificate and key files (Temporal Cloud's other option, or a self-hosted cluster with mTLS). */
  tlsClientCert: { certPath: string; keyPath: string } | undefined;
  cliPath: string | undefined;
  testServerPath: string | undefined;
}

export interface Config {
  databaseUrl: string | undefined;
  pgliteDataDir: string | undefined;
  /** `npm start`: the port its embedded PGlite is served on (Postgres wire protocol), for ops, replay and psql. */
  pglitePort: number;
  temporal: TemporalConfig;
  port: number;
  /** How many reverse proxies we run in front of the API (each appends to X-Forwarded-For); 0 ignores that header. */
  trustedProxyHops: number;
  /** `npm run worker`: the port of its own Prometheus endpoint, GET /metrics (default 9464). */
  workerMetricsPort: number;
  /** `npm run worker`: the SDK's maxCachedWorkflows (see DEFAULT_WORKER_MAX_CACHED_WORKFLOWS). */
  workerMaxCachedWorkflows: number;
  /** `npm run worker`: a workflow bundle built ahead of time (`npm run build:workflows`); unset, the worker bundles at start. */
  workflowBundlePath: string | undefined;
  /**
   * Whether workers answer the stack trace query (the Web UI's *Stack Trace* tab). Off by default: the
   * SDK's promise hook behind it costs about half of a replay's CPU. The patched SDK reads the variable
   * itself (patches/README.md); this field only validates and reports it.
   */
  workerWorkflowStackTraces: boolean;
  publicBaseUrl: string;
  intuit: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    environment: 'sandbox' | 'production';
    redirectUri: string;
    webhookVerifierToken: string | undefined;
    simulatorUrl: string | undefined;
    endpoints: IntuitEndpoints;
  };
  tokenEncryptionKeys: Buffer[] | undefined;
  adminApiKey: string | undefined;
  syncIntervalMs: number;
  /**
   * SYNC_INTERVAL when it is set (undefined when left at its default). Workers hand it to every running
   * connection with its incremental pull, so a changed interval reaches them at their next cycle; unset,
   * each connection keeps the interval it was started with.
   */
  syncIntervalSetMs: number | undefined;
  simulatorPort: number;
  /** `npm start`: where it keeps PGlite, Temporal's SQLite file, the simulator's state and generated secrets (default `.data`). */
  dataDir: string | undefined;
  /** `npm start`: the embedded Temporal dev server's gRPC and Web UI ports (when TEMPORAL_ADDRESS is unset). */
  temporalDevServer: { port: number; uiPort: number };
  /** Notice emails: an SMTP server (`smtp://` or `smtps://` for TLS) and the sender; no SMTP_URL, no emails (`npm start` runs a sink instead). */
  email: { smtpUrl: string | undefined; from: string };
  /** `npm start` without SMTP_URL: the port of its in-process mail sink (SMTP); its page is on the next port. */
  mailSinkPort: number;
  logLevel: Env['LOG_LEVEL'];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export function intuitEndpoints(environment: 'sandbox' | 'production', simulatorUrl?: string): IntuitEndpoints {
  if (simulatorUrl) {
    return {
      authorize: `${simulatorUrl}/connect/oauth2`,
      token: `${simulatorUrl}/oauth2/v1/tokens/bearer`,
      revoke: `${simulatorUrl}/v2/oauth2/tokens/revoke`,
      accountingApi: simulatorUrl,
    };
  }
  return {
    authorize: 'https://appcenter.intuit.com/connect/oauth2',
    token: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
    revoke: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
    accountingApi: environment === 'production' ? 'https://quickbooks.api.intuit.com' : 'https://sandbox-quickbooks.api.intuit.com',
  };
}

export function loadConfig(role: ProcessRole, env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const values = parsed.data;
  for (const name of REQUIRED[role]) {
    if (values[name] === undefined) problems.push(`${name}: required for \`${role}\``);
  }
  if ((values.TEMPORAL_TLS_CERT_PATH === undefined) !== (values.TEMPORAL_TLS_KEY_PATH === undefined)) {
    problems.push('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH: set both (an mTLS client certificate and its key) or neither');
  }
  for (const name of ['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_KEY_PATH'] as const) {
    const path = values[name];
    if (path !== undefined && !existsSync(path)) problems.push(`${name}: no file at ${path}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const publicBaseUrl = values.PUBLIC_BASE_URL ?? `http://localhost:${values.PORT}`;
  return {
    databaseUrl: values.DATABASE_URL,
    pgliteDataDir: values.PGLITE_DATA_DIR,
    pglitePort: values.PGLITE_PORT,
    temporal: {
      address: values.TEMPORAL_ADDRESS,
      namespace: values.TEMPORAL_NAMESPACE,
      taskQueue: values.TEMPORAL_TASK_QUEUE,
      apiKey: values.TEMPORAL_API_KEY,
      tlsClientCert:
        values.TEMPORAL_TLS_CERT_PATH && values.TEMPORAL_TLS_KEY_PATH
          ? { certPath: values.TEMPORAL_TLS_CERT_PATH, keyPath: values.TEMPORAL_TLS_KEY_PATH }
          : undefined,
      cliPath: values.TEMPORAL_CLI_PATH,
      testServerPath: values.TEMPORAL_TEST_SERVER_PATH,
    },
    port: values.PORT,
    trustedProxyHops: values.TRUST_PROXY_HOPS,
    workerMetricsPort: values.WORKER_METRICS_PORT,
    workerMaxCachedWorkflows: values.WORKER_MAX_CACHED_WORKFLOWS,
    workflowBundlePath: values.WORKFLOW_BUNDLE_PATH,
    workerWorkflowStackTraces: values.WORKER_WORKFLOW_STACK_TRACES === 'on',
    publicBaseUrl,
    intuit: {
      clientId: values.INTUIT_CLIENT_ID,
      clientSecret: values.INTUIT_CLIENT_SECRET,
      environment: values.INTUIT_ENVIRONMENT,
      redirectUri: values.INTUIT_REDIRECT_URI ?? `${publicBaseUrl}/oauth/quickbooks/callback`,
      webhookVerifierToken: values.INTUIT_WEBHOOK_VERIFIER_TOKEN,
      simulatorUrl: values.QBO_SIMULATOR_URL,
      endpoints: intuitEndpoints(values.INTUIT_ENVIRONMENT, values.QBO_SIMULATOR_URL),
    },
    tokenEncryptionKeys: values.TOKEN_ENCRYPTION_KEYS,
    adminApiKey: values.ADMIN_API_KEY,
    syncIntervalMs: values.SYNC_INTERVAL,
    syncIntervalSetMs: env.SYNC_INTERVAL ? values.SYNC_INTERVAL : undefined,
    simulatorPort: values.SIMULATOR_PORT,
    dataDir: values.DATA_DIR,
    temporalDevServer: { port: values.TEMPORAL_DEV_SERVER_PORT, uiPort: values.TEMPORAL_DEV_SERVER_UI_PORT },
    email: { smtpUrl: values.SMTP_URL, from: values.EMAIL_FROM ?? `QuickBooks sync <notices@${new URL(publicBaseUrl).hostname}>` },
    mailSinkPort: values.MAIL_SINK_PORT,
    logLevel: values.LOG_LEVEL,
  };
}

/** The environment variable names the config module reads (the docker-compose test checks its wiring against this). */
export const CONFIG_VARIABLES = Object.keys(schema.shape) as (keyof Env)[];
