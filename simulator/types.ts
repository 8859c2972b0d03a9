/**
 * The simulator's public vocabulary: its configuration and the bodies of the control API
 * (`/__simulator`). Tests across the project import these through `simulator/index.ts` or
 * `simulator/control-client.ts`; fields may be added, never renamed.
 */
import type { QuickBooksEntity } from '../shared/contract.js';

export type { QuickBooksEntity };

export type RefreshTokenRotation = 'every_refresh' | 'daily';

/** How a CDC answer is ordered, and so what a capped one leaves out (see engine/cdc.ts). */
export type CdcOrder = 'intuit' | 'adversarial';

export interface SimulatorConfig {
  accessTokenTtlSeconds: number;
  /** The lifetime of each new refresh-token value (Intuit: 100 days); an unchanged value counts down. */
  refreshTokenTtlSeconds: number;
  /** The five-year cap counted from the original consent. */
  refreshTokenHardTtlSeconds: number;
  /**
   * `daily` (default, Intuit): a refresh within 24 h of the current value's issue returns that same value
   * with `x_refresh_token_expires_in` counting down; later, a new value with a full lifetime.
   * `every_refresh` (stricter than Intuit): every refresh returns a new value with a full lifetime.
   */
  refreshTokenRotation: RefreshTokenRotation;
  /** How long a superseded refresh token keeps working; 0 means it dies the moment a new one is issued. */
  supersededRefreshTokenGraceSeconds: number;
  authorizationCodeTtlSeconds: number;
  throttle: boolean;
  requestsPerMinute: number;
  /** Intuit's 10 a second, as a bucket refilled continuously; null (the default) does not enforce it (see the README's differences). */
  requestsPerSecond: number | null;
  maxConcurrentRequests: number;
  cdcMaxObjects: number;
  /** `intuit` (default): per entity, active objects first, deleted stubs after; a capped answer is cut off in that order. `adversarial`: any subset, any order (seeded by `cdcOrderSeed`). */
  cdcOrder: CdcOrder;
  cdcOrderSeed: number;
  cdcMaxLookbackDays: number;
  queryMaxResults: number;
}

export interface SimulatorApp {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  disconnectUrl?: string;
}

export type EntityCounts = Partial<Record<QuickBooksEntity, number>>;

export interface CreateCompanyRequest {
  seed?: number;
  name?: string;
  invoices?: number;
  salesReceipts?: number;
  creditMemos?: number;
  refundReceipts?: number;
  payments?: number;
  customers?: number;
  items?: number;
}

export interface CreatedCompany {
  realmId: string;
  name: string;
}

export interface CompanySummary {
  realmId: string;
  name: string;
  seed: number;
  /** When the company was created, on the simulator clock. */
  createdAt: string;
  /** Records per entity that are not deleted (deactivated name-list records count; deleted transactions don't). */
  counts: Record<QuickBooksEntity, number>;
}

export type ChangeOperation = 'create' | 'update' | 'delete' | 'void';

export interface ChangeRequest {
  create?: EntityCounts;
  update?: EntityCounts;
  delete?: EntityCounts;
  void?: EntityCounts;
  /**
   * The same-second race on demand: stamp the changes with the second of the company's last Accounting
   * API answer (never earlier than its previous change), as if they had been committed later in that
   * second. Their LastUpdatedTime is then earlier than that answer's `time`, which did not include them.
   */
  inSecondOfLastAnswer?: boolean;
}

export interface ChangedRecord {
  entity: QuickBooksEntity;
  id: string;
  op: ChangeOperation;
}

export interface ChangeResult {
  changed: ChangedRecord[];
}

export interface SnapshotRecord {
  id: string;
  syncToken: string;
  /** True for deleted transactions. Deactivated customers and items are `false` (QuickBooks never deletes them). */
  deleted: boolean;
  lastUpdatedTime: string;
}

export interface CompanySnapshot {
  realmId: string;
  entities: Record<QuickBooksEntity, SnapshotRecord[]>;
}

export interface DisconnectRequest {
  /** Limit the disconnect to one app; by default every app connected to the company loses its grants. */
  clientId?: string;
}

export interface DisconnectResult {
  realmId: string;
  revokedGrants: number;
  /**
   * Where Intuit sends the merchant's browser next: the disconnected app's Disconnect URL (with
   * `realmId`), or null when it has none. Intuit never calls it server to server; a test plays the
   * browser by following it.
   */
  disconnectUrl: string | null;
  /** Every disconnected app's Disconnect URL (several when no `clientId` was given). */
  disconnectUrls: string[];
}

/** `403`: AuthorizationFailed (3100) — the grant no longer reaches the company (the user lost access to it). */
export type FaultKind = '500' | '503' | '429' | '403' | 'timeout' | 'reset' | 'latency';
export type FaultTarget = 'api' | 'oauth' | 'all';

export interface FaultRule {
  kind: FaultKind;
  /** Probability in [0, 1] that a matching request gets this fault. */
  rate: number;
  /** `api` (default): the Accounting API; `oauth`: the token and revoke endpoints; `all`: both. */
  target?: FaultTarget;
  realmId?: string;
  /** For `latency`: the delay added before a normal answer (default 1000). */
  latencyMs?: number;
  /** For `timeout`: how long the request hangs before the socket is destroyed (default 30000). */
  hangMs?: number;
  /** Stop applying the rule after it fired this many times. */
  remaining?: number;
}

export interface FaultSettings {
  seed?: number;
  rules: FaultRule[];
}

export type WebhookFormat = 'legacy' | 'cloudevents';

export interface WebhookSubscriptionRequest {
  url: string;
  verifierToken: string;
  format: WebhookFormat;
}

export interface WebhookSubscription {
  id: string;
  url: string;
  format: WebhookFormat;
}

export interface WebhookDelivery {
  id: string;
  subscriptionId: string;
  url: string;
  format: WebhookFormat;
  realmId: string;
  /** Wall-clock time the notification was sent. */
  at: string;
  /** The exact bytes that were signed and sent. */
  body: string;
  signature: string;
  /** The subscriber's HTTP status, or null when it did not answer. */
  status: number | null;
  error?: string;
}

export type RequestKind = 'oauth' | 'api';

export interface RequestLogEntry {
  /** Wall-clock time the request arrived (ISO, UTC): real time, like the throttling windows. */
  at: string;
  /** The simulator clock at arrival (differs from `at` once the clock has been advanced). */
  clock: string;
  method: string;
  path: string;
  query: string;
  realmId: string | null;
  /** 0 when the socket was reset or hung up without an answer. */
  status: number;
  kind: RequestKind;
  intuitTid: string;
  /** Set when an injected fault decided the outcome. */
  fault?: FaultKind;
  durationMs: number;
}

export interface RequestLogQuery {
  realmId?: string;
  /** ISO timestamp (wall-clock): only entries that arrived at or after it. */
  since?: string;
  kind?: RequestKind;
}

export type GrantStatus = 'active' | 'expired' | 'revoked' | 'disconnected' | 'code_reused';

export interface GrantSummary {
  id: string;
  clientId: string;
  realmId: string;
  status: GrantStatus;
  createdAt: string;
  refreshTokenExpiresAt: string;
  hardExpiresAt: string;
  refreshes: number;
}

export type IssuedSecretKind = 'authorization_code' | 'access_token' | 'refresh_token';

/** A secret value the simulator handed out (`GET /__simulator/tokens`), so tests can search for leaks of it. */
export interface IssuedSecret {
  kind: IssuedSecretKind;
  value: string;
  clientId: string;
  realmId: string;
  /** Absent for authorization codes (a grant is created when the code is exchanged). */
  grantId?: string;
  /** On the simulator clock. */
  issuedAt: string;
}

export interface ListBody<T> {
  data: T[];
}

/**
 * The control API as a typed client (see control-client.ts). Each method returns the response body of
 * its route exactly, so code written against the HTTP API and code using the client read the same.
 */
export interface SimulatorControl {
  readonly baseUrl: string;
  /** `POST /companies` */
  createCompany(request?: CreateCompanyRequest): Promise<CreatedCompany>;
  /** `GET /companies` */
  listCompanies(): Promise<ListBody<CompanySummary>>;
  /** `GET /companies/:realmId` */
  getCompany(realmId: string): Promise<CompanySummary>;
  /** `POST /companies/:realmId/changes` */
  applyChanges(realmId: string, changes: ChangeRequest): Promise<ChangeResult>;
  /** `GET /companies/:realmId/snapshot` */
  snapshot(realmId: string): Promise<CompanySnapshot>;
  /** `POST /companies/:realmId/disconnect`: the user disconnects the app(s) inside QuickBooks (follow `disconnectUrl` as their browser would). */
  disconnect(realmId: string, request?: DisconnectRequest): Promise<DisconnectResult>;
  /** `POST /clock`: moves the simulator clock forward (`P31D`, `PT2H`, `90m`…). */
  advanceClock(duration: string): Promise<ClockBody>;
  /** `GET /clock` */
  now(): Promise<ClockBody>;
  /** `POST /faults`: replaces the rules. */
  setFaults(settings: FaultSettings): Promise<FaultsBody>;
  /** `DELETE /faults` */
  clearFaults(): Promise<FaultsBody>;
  /** `POST /config` (partial merge) */
  setConfig(config: Partial<SimulatorConfig>): Promise<SimulatorConfig>;
  /** `GET /config` */
  getConfig(): Promise<SimulatorConfig>;
  /** `POST /apps` */
  registerApp(app: SimulatorApp): Promise<{ clientId: string }>;
  /** `GET /apps` (secrets left out) */
  listApps(): Promise<ListBody<Omit<SimulatorApp, 'clientSecret'>>>;
  /** `POST /webhooks` */
  registerWebhook(subscription: WebhookSubscriptionRequest): Promise<WebhookSubscription>;
  /** `GET /webhooks` */
  listWebhooks(): Promise<ListBody<WebhookSubscription>>;
  /** `DELETE /webhooks` */
  clearWebhooks(): Promise<ListBody<WebhookSubscription>>;
  /** `GET /webhooks/deliveries` (oldest first) */
  webhookDeliveries(): Promise<ListBody<WebhookDelivery>>;
  /** `GET /requests?realmId=&since=&kind=` (oldest first) */
  requests(query?: RequestLogQuery): Promise<ListBody<RequestLogEntry>>;
  /** `DELETE /requests` */
  clearRequests(): Promise<ListBody<RequestLogEntry>>;
  /** `GET /grants?realmId=&clientId=` */
  grants(filter?: { realmId?: string; clientId?: string }): Promise<ListBody<GrantSummary>>;
  /**
   * `GET /tokens?realmId=&clientId=&kind=`: every authorization code, access token and refresh token value
   * issued since the simulator started (oldest first; in memory only, not persisted). Test-facing: leak scans.
   */
  tokens(filter?: { realmId?: string; clientId?: string; kind?: IssuedSecretKind }): Promise<ListBody<IssuedSecret>>;
}

export interface ClockBody {
  /** The simulator clock (ISO, UTC). */
  now: string;
}

export interface FaultsBody {
  rules: FaultRule[];
}
