/**
 * The load balancer of the production topology run: one address (PUBLIC_BASE_URL, the registered
 * redirect URI and Disconnect URL) in front of several API replicas, handing each request to the next
 * replica in turn, as a round-robin reverse proxy does. It appends the caller's address to
 * X-Forwarded-For, so the replicas run with TRUST_PROXY_HOPS=1 as they would behind one proxy. A replica
 * that is down is skipped (the request goes to the next one), like a balancer's health check would.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoadBalancer {
  url: string;
  port: number;
  /** Requests each replica answered (by index), to show the traffic was spread. */
  served: number[];
  close(): Promise<void>;
}

export async function startLoadBalancer(options: { port: number; replicas: () => string[] }): Promise<LoadBalancer> {
  let next = 0;
  const served: number[] = [];
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, attempt: number) => {
    const replicas = options.replicas();
    if (replicas.length === 0 || attempt >= replicas.length) {
      res.writeHead(502).end('no replica answered');
      return;
    }
    const index = next++ % replicas.length;
    const target = new URL(req.url ?? '/', replicas[index]);
    const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    const upstream = httpRequest(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host, 'x-forwarded-for': forwardedFor, 'x-forwarded-proto': 'http' } },
      (answer) => {
        served[index] = (served[index] ?? 0) + 1;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // Connection refused: that replica is down (restarting); try the next one.
    upstream.on('error', () => (res.headersSent ? res.destroy() : forward(req, res, body, attempt + 1)));
    upstream.end(body);
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => forward(req, res, Buffer.concat(chunks), 0));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    served,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
