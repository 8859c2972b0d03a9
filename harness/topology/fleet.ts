/**
 * The processes of the production topology on one stack: M API replicas (`api/main.ts`, as `npm run
 * api`) behind a round-robin load balancer, and N workers (`worker/main.ts`, as `npm run worker`, the
 * "old build"; or the rollout rehearsal's "new build", harness/topology/new-build-worker.ts). Every
 * process gets the settings a real fleet shares (one TOKEN_ENCRYPTION_KEYS, one ADMIN_API_KEY, one
 * PUBLIC_BASE_URL and redirect URI at the load balancer, TRUST_PROXY_HOPS=1 behind it) from the stack.
 */
import { freePort } from '../../local/free-port.js';
import { API_READY, WORKER_READY, type ManagedProcess } from '../node-process.js';
import type { Stack } from '../stack.js';
import { startLoadBalancer, type LoadBalancer } from './load-balancer.js';

export type WorkerBuild = 'old' | 'new';

export interface FleetWorker {
  label: string;
  build: WorkerBuild;
  process: ManagedProcess;
}

export interface FleetApi {
  label: string;
  url: string;
  process: ManagedProcess;
}

export interface Fleet {
  balancer: LoadBalancer;
  apis: FleetApi[];
  /** The workers running now, in slot order. */
  workers: FleetWorker[];
  /** Starts a worker of `build` in slot `index` (replacing nothing) and waits until it polls. */
  startWorker(index: number, build: WorkerBuild): Promise<FleetWorker>;
  /** SIGKILL (a crash) or SIGTERM (a graceful drain, as `docker compose stop` does) of the worker in slot `index`. */
  stopWorker(index: number, signal: 'SIGKILL' | 'SIGTERM'): Promise<string>;
  close(): Promise<void>;
}

/** Ports the load balancer listens on must be known before the stack registers its redirect URI there. */
export async function reserveBalancerPort(): Promise<{ port: number; url: string }> {
  const port = await freePort();
  return { port, url: `http://127.0.0.1:${port}` };
}

export async function startFleet(
  stack: Stack,
  options: { balancerPort: number; apis: number; workers: number; syncInterval: string; bundles: Record<WorkerBuild, string> },
): Promise<Fleet> {
  const balancerUrl = `http://127.0.0.1:${options.balancerPort}`;
  const shared = { PUBLIC_BASE_URL: balancerUrl, INTUIT_REDIRECT_URI: stack.app.redirectUri, TRUST_PROXY_HOPS: '1', SYNC_INTERVAL: options.syncInterval };
  const apis: FleetApi[] = [];
  for (let index = 0; index < options.apis; index++) {
    const port = await freePort();
    const label = `api${index + 1}`;
    apis.push({ label, url: `http://127.0.0.1:${port}`, process: stack.spawnApi({ label, port, env: shared }) });
  }
  const balancer = await startLoadBalancer({ port: options.balancerPort, replicas: () => apis.filter((api) => api.process.alive()).map((api) => api.url) });
  const workers: FleetWorker[] = [];
  const generations = new Map<number, number>();

  const startWorker = async (index: number, build: WorkerBuild): Promise<FleetWorker> => {
    const generation = (generations.get(index) ?? 0) + 1;
    generations.set(index, generation);
    const label = `worker${index + 1}-${generation}-${build}`;
    const process =
      build === 'old'
        ? stack.spawnWorker({ label, env: { ...shared, WORKFLOW_BUNDLE_PATH: options.bundles.old } })
        : stack.spawnWorker({ label, entry: 'harness/topology/new-build-worker.ts', env: { ...shared, NEW_BUILD_WORKFLOW_BUNDLE: options.bundles.new } });
    const worker = { label, build, process };
    workers[index] = worker;
    await process.waitForOutput(WORKER_READY, 180_000);
    return worker;
  };

  await Promise.all([
    ...apis.map((api) => api.process.waitForOutput(API_READY, 60_000)),
    ...Array.from({ length: options.workers }, (_, index) => startWorker(index, 'old')),
  ]);
  return {
    balancer,
    apis,
    workers,
    startWorker,
    stopWorker: (index, signal) => workers[index]!.process.stop(signal, 20_000),
    close: () => balancer.close(),
  };
}
