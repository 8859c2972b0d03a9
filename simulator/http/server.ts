/**
 * The Node HTTP server around the Hono app. Fault decisions are made here, before routing, because two
 * of them never produce an answer: `reset` destroys the socket at once and `timeout` holds the request
 * for `hangMs` and then destroys the socket. The others are handed to the Hono middleware.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { SimulatorEngine } from '../engine/simulator-engine.js';
import type { RequestKind } from '../types.js';
import type { SimulatorEnv } from './env.js';
import type { FaultHandoff } from './fault-handoff.js';
import { classifyRequest } from './request-kind.js';

export interface ListeningServer {
  url: string;
  close(): Promise<void>;
}

export function listen(app: Hono<SimulatorEnv>, engine: SimulatorEngine, handoff: FaultHandoff, options: { host: string; port: number }): Promise<ListeningServer> {
  const handle = getRequestListener(app.fetch);
  const hanging = new Set<NodeJS.Timeout>();

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://simulator');
    const target = classifyRequest(url.pathname);
    const decision = target.faultable && target.kind !== 'control' && target.kind !== 'other' ? engine.faults.decide(target.kind, target.realmId) : undefined;
    if (decision?.kind === 'reset' || decision?.kind === 'timeout') {
      logUnanswered(engine, request, url, target.kind as RequestKind, target.realmId, decision.kind);
      if (decision.kind === 'reset') {
        request.socket.destroy();
      } else {
        const timer = setTimeout(() => {
          hanging.delete(timer);
          request.socket.destroy();
        }, decision.hangMs);
        hanging.add(timer);
      }
      return;
    }
    if (decision) handoff.put(request, decision);
    handle(request, response).catch((error: unknown) => {
      console.error('[qbo-simulator] request failed', error);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });

  return new Promise((resolve, reject) => {
    const start = (host: string) => {
      server.once('error', failed);
      server.listen(options.port, host, listening);
    };
    // '::' means every interface; where IPv6 is disabled (some containers) fall back to IPv4's 0.0.0.0.
    const failed = (error: NodeJS.ErrnoException) => {
      if (options.host === '::' && (error.code === 'EAFNOSUPPORT' || error.code === 'EADDRNOTAVAIL')) start('0.0.0.0');
      else reject(error);
    };
    const listening = () => {
      server.off('error', failed);
      const { port } = server.address() as AddressInfo;
      const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host.includes(':') ? `[${options.host}]` : options.host;
      resolve({
        url: `http://${host}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const timer of hanging) clearTimeout(timer);
            hanging.clear();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    };
    start(options.host);
  });
}

/** A request that will get no answer still belongs in the request log (status 0). */
function logUnanswered(engine: SimulatorEngine, request: IncomingMessage, url: URL, kind: RequestKind, realmId: string | null, fault: 'reset' | 'timeout'): void {
  engine.requestLog.add({
    at: new Date().toISOString(),
    clock: new Date(engine.clock.now()).toISOString(),
    method: request.method ?? 'GET',
    path: url.pathname,
    query: url.search,
    realmId,
    status: 0,
    kind,
    intuitTid: engine.newIntuitTid(),
    fault,
    durationMs: 0,
  });
}
