/** Fails early, naming the variable to change, when a port `npm start` needs is taken. */
import { createServer } from 'node:net';

export interface NeededPort {
  port: number;
  /** The environment variable that moves it, for the message. */
  variable: string;
  what: string;
}

function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function assertPortsFree(ports: NeededPort[]): Promise<void> {
  const taken: string[] = [];
  for (const needed of ports) {
    if (needed.port === 0) continue;
    if (!(await isFree(needed.port, '127.0.0.1'))) taken.push(`${needed.variable}=${needed.port} (${needed.what}) is already in use`);
  }
  if (taken.length > 0) {
    throw new Error(`cannot start:\n${taken.map((line) => `  - ${line}`).join('\n')}\nStop whatever uses it, or choose other ports, e.g. PORT=3100 SIMULATOR_PORT=4110 TEMPORAL_DEV_SERVER_PORT=7333 TEMPORAL_DEV_SERVER_UI_PORT=8333 npm start`);
  }
}
