/**
 * Every Prometheus metric of the product in one module: the API's HTTP metrics, the sync engine's
 * metrics (recorded by the worker's activities) and the connections-per-status gauge, which is read
 * from the database at scrape time so it is right whichever process changed a status.
 *
 * Each `create…Metrics` function is idempotent per registry: when the API and the worker run in one
 * process (`npm start`) they share one registry and one `/metrics`; apart (`npm run api`, `npm run
 * worker`) each serves its own. Labels are bounded sets (entities, kinds, outcomes, error class names,
 * HTTP statuses), never ids.
 */
import { Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import { CONNECTION_STATUSES, type ConnectionStatus } from './contract.js';
import type { Logger } from './logger.js';
import type { RecordCounts } from './workflow-payloads.js';

export interface ApiMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpRequestDuration: Histogram<'method' | 'route'>;
  /** OAuth callbacks by outcome: connected, reauthorized, access_denied, already_completed, or an error code. */
  oauthCallbacks: Counter<'outcome'>;
  /** Webhook deliveries by outcome: accepted, invalid_signature, webhook_body_invalid, … */
  webhooks: Counter<'outcome'>;
}

/** What one QuickBooks Accounting API exchange reports (the client's `onResponse` event). */
export interface QuickBooksResponseObservation {
  operation: string;
  /** HTTP status; 0 when no answer came (timeout, reset). */
  status: number;
  durationMs: number;
}

/** Connections per status, read at scrape time from wherever they live (the database). */
export type ConnectionCounter = () => Promise<ReadonlyMap<ConnectionStatus, number>>;

export interface SyncMetrics {
  registry: Registry;
  /** Records per entity and operation (upserted, deleted, skipped) as the activities stored them. */
  recordsSynced: Counter<'entity' | 'operation'>;
  /** Closed sync cycles (audit rows) by kind (backfill, incremental, resync, catch_up) and outcome. */
  syncCycles: Counter<'kind' | 'outcome'>;
  /** Failed activity attempts by activity and failure type (GrantInvalidError, ThrottledError, …). */
  failures: Counter<'activity' | 'type'>;
  /** Access-token refreshes by outcome: `succeeded` or the failure type. */
  tokenRefreshes: Counter<'outcome'>;
  quickbooksRequestDuration: Histogram<'operation' | 'status'>;
  /** 429 / ThrottleExceeded answers from the Accounting API. */
  quickbooksThrottled: Counter<'operation'>;
  countRecords(entity: string, counts: RecordCounts): void;
  observeQuickBooksResponse(event: QuickBooksResponseObservation): void;
}

/** The registry's metric of that name, or a new one registered there. */
function once<T extends Metric>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** `quickbooks_connections{status}`, collected from the database at scrape time. */
export function registerConnectionsGauge(params: { registry: Registry; countConnections: ConnectionCounter; logger: Logger }): void {
  once(
    params.registry,
    'quickbooks_connections',
    () =>
      new Gauge({
        name: 'quickbooks_connections',
        help: 'QuickBooks connections, by status (read from the database at scrape time)',
        labelNames: ['status'] as const,
        registers: [params.registry],
        async collect() {
          try {
            const counts = await params.countConnections();
            for (const status of CONNECTION_STATUSES) this.set({ status }, counts.get(status) ?? 0);
          } catch (error) {
            params.logger.warn({ err: error }, 'could not count connections for the metrics scrape');
          }
        },
      }),
  );
}

export function createApiMetrics(params: { countConnections: ConnectionCounter; logger: Logger; registry?: Registry | undefined }): ApiMetrics {
  const registry = params.registry ?? new Registry();
  const httpRequests = once(
    registry,
    'http_requests_total',
    () =>
      new Counter({
        name: 'http_requests_total',
        help: 'HTTP requests answered, by method, route pattern and status',
        labelNames: ['method', 'route', 'status'] as const,
        registers: [registry],
      }),
  );
  const httpRequestDuration = once(
    registry,
    'http_request_duration_seconds',
    () =>
      new Histogram({
        name: 'http_request_duration_seconds',
        help: 'Time to answer an HTTP request, by method and route pattern',
        labelNames: ['method', 'route'] as const,
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [registry],
      }),
  );
  const oauthCallbacks = once(
    registry,
    'quickbooks_oauth_callbacks_total',
    () =>
      new Counter({
        name: 'quickbooks_oauth_callbacks_total',
        help: 'QuickBooks OAuth callbacks, by outcome',
        labelNames: ['outcome'] as const,
        registers: [registry],
      }),
  );
  const webhooks = once(
    registry,
    'quickbooks_webhooks_total',
    () =>
      new Counter({
        name: 'quickbooks_webhooks_total',
        help: 'QuickBooks webhook deliveries, by outcome',
        labelNames: ['outcome'] as const,
        registers: [registry],
      }),
  );
  registerConnectionsGauge({ registry, countConnections: params.countConnections, logger: params.logger });
  return { registry, httpRequests, httpRequestDuration, oauthCallbacks, webhooks };
}

/** The sync engine's metrics; with `countConnections`, the registry also gets the connections gauge. */
export function createSyncMetrics(params: { registry?: Registry | undefined; countConnections?: ConnectionCounter; logger?: Logger } = {}): SyncMetrics {
  const registry = params.registry ?? new Registry();
  const recordsSynced = once(
    registry,
    'quickbooks_records_synced_total',
    () =>
      new Counter({
        name: 'quickbooks_records_synced_total',
        help: 'QuickBooks records stored by the sync, by entity and operation (upserted, deleted, skipped)',
        labelNames: ['entity', 'operation'] as const,
        registers: [registry],
      }),
  );
  const syncCycles = once(
    registry,
    'quickbooks_sync_cycles_total',
    () =>
      new Counter({
        name: 'quickbooks_sync_cycles_total',
        help: 'Sync cycles closed, by kind (backfill, incremental, resync, catch_up) and outcome (succeeded, failed, needs_reauthorization)',
        labelNames: ['kind', 'outcome'] as const,
        registers: [registry],
      }),
  );
  const failures = once(
    registry,
    'quickbooks_sync_failures_total',
    () =>
      new Counter({
        name: 'quickbooks_sync_failures_total',
        help: 'Failed activity attempts, by activity and failure type',
        labelNames: ['activity', 'type'] as const,
        registers: [registry],
      }),
  );
  const tokenRefreshes = once(
    registry,
    'quickbooks_token_refreshes_total',
    () =>
      new Counter({
        name: 'quickbooks_token_refreshes_total',
        help: 'QuickBooks access-token refreshes, by outcome (succeeded or the failure type)',
        labelNames: ['outcome'] as const,
        registers: [registry],
      }),
  );
  const quickbooksRequestDuration = once(
    registry,
    'quickbooks_request_duration_seconds',
    () =>
      new Histogram({
        name: 'quickbooks_request_duration_seconds',
        help: 'QuickBooks Accounting API request latency, by operation (query, cdc, read) and HTTP status (0: no answer)',
        labelNames: ['operation', 'status'] as const,
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
        registers: [registry],
      }),
  );
  const quickbooksThrottled = once(
    registry,
    'quickbooks_throttled_total',
    () =>
      new Counter({
        name: 'quickbooks_throttled_total',
        help: 'QuickBooks Accounting API answers 429 (ThrottleExceeded), by operation',
        labelNames: ['operation'] as const,
        registers: [registry],
      }),
  );
  if (params.countConnections && params.logger) registerConnectionsGauge({ registry, countConnections: params.countConnections, logger: params.logger });

  return {
    registry,
    recordsSynced,
    syncCycles,
    failures,
    tokenRefreshes,
    quickbooksRequestDuration,
    quickbooksThrottled,
    countRecords(entity, counts) {
      for (const operation of ['upserted', 'deleted', 'skipped'] as const) {
        if (counts[operation] > 0) recordsSynced.inc({ entity, operation }, counts[operation]);
      }
    },
    observeQuickBooksResponse(event) {
      const status = String(event.status);
      quickbooksRequestDuration.observe({ operation: event.operation, status }, event.durationMs / 1000);
      if (event.status === 429) quickbooksThrottled.inc({ operation: event.operation });
    },
  };
}
