/**
 * The worker process's own Prometheus endpoint: `GET /metrics` on WORKER_METRICS_PORT (`npm run worker`).
 * Metrics never stop a worker: when the port is taken (two workers on one host), the worker logs it and
 * syncs on without an endpoint.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../shared/logger.js';

export interface MetricsServer {
  /** The port it listens on; undefined when it could not listen. */
  port: number | undefined;
  close(): Promise<void>;
}

export async function serveMetrics(options: { registry: Registry; port: number; host?: string; logger: Logger }): Promise<MetricsServer> {
  const { registry, logger } = options;
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: the worker serves GET /metrics only\n');
      return;
    }
    registry.metrics().then(
      (body) => response.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
      (error: unknown) => {
        logger.warn({ err: error }, 'metrics scrape failed');
        response.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      logger.error({ port: options.port, code: error.code }, 'worker metrics endpoint could not listen; syncing goes on without /metrics');
      resolve(false);
    });
    server.listen(options.port, options.host, () => resolve(true));
  });
  if (!listening) return { port: undefined, close: async () => {} };
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, 'worker metrics at /metrics');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
