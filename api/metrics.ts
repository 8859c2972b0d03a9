/**
 * The API's Prometheus metrics. Connections per status are read from the database at scrape time, so
 * the gauge is right whichever process (API or worker) changed a status.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/client.js';
import { countConnectionsByStatus } from '../db/queries/connection-stats.js';
import { CONNECTION_STATUSES } from '../shared/contract.js';
import type { Logger } from '../shared/logger.js';

export interface ApiMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpRequestDuration: Histogram<'method' | 'route'>;
  /** OAuth callbacks by outcome: connected, reauthorized, access_denied, already_completed, or an error code. */
  oauthCallbacks: Counter<'outcome'>;
  /** Webhook deliveries by outcome: accepted, invalid_signature, webhook_body_invalid, … */
  webhooks: Counter<'outcome'>;
}

export function createApiMetrics(params: { db: Database; logger: Logger; registry?: Registry | undefined }): ApiMetrics {
  const registry = params.registry ?? new Registry();
  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const oauthCallbacks = new Counter({
    name: 'quickbooks_oauth_callbacks_total',
    help: 'QuickBooks OAuth callbacks, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'quickbooks_webhooks_total',
    help: 'QuickBooks webhook deliveries, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'quickbooks_connections',
    help: 'QuickBooks connections, by status (read from the database at scrape time)',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      try {
        const counts = await countConnectionsByStatus(params.db);
        for (const status of CONNECTION_STATUSES) this.set({ status }, counts.get(status) ?? 0);
      } catch (error) {
        params.logger.warn({ err: error }, 'could not count connections for the metrics scrape');
      }
    },
  });
  return { registry, httpRequests, httpRequestDuration, oauthCallbacks, webhooks };
}
