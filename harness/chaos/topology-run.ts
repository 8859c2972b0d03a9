/**
 * The production topology as processes (`npm run chaos -- --topology`, test/topology): a Temporal dev
 * server, a scratch Postgres database, the QuickBooks simulator (throttled to Intuit's limits), 3 worker
 * processes (`worker/main.ts`) and 2 API processes (`api/main.ts`) behind a load balancer. Then, while the
 * books keep changing:
 *   1. companies are connected with the consent started at one replica and Intuit's redirect landing on
 *      the other (OAuth state lives in Postgres, not in a replica);
 *   2. a worker is SIGKILLed in the middle of a large company's backfill and replaced;
 *   3. every worker is restarted, one at a time (SIGTERM, drain, start), onto a new build of the
 *      workflow code with a change behind `patched()` — old and new builds serve the task queue side by
 *      side during the roll, and companies are connected meanwhile (docs/rollout.md);
 *   4. a company disconnects the app in QuickBooks (its Disconnect URL reached through the balancer) and
 *      the merchant re-authorizes through the other replica;
 * and at the end every connection's records equal the simulator's snapshot, no workflow failed, Intuit
 * answered no request with 429, and every recorded history (runs started on either build) replays with
 * `npm run replay` against both the old and the new workflow code.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { buildWorkflowBundle } from '../../worker/workflow-bundle.js';
import { eq, sql } from 'drizzle-orm';
import { quickbooksRecords } from '../../db/schema/index.js';
import { PROJECT_ROOT } from '../../shared/paths.js';
import type { CreateCompanyRequest } from '../../simulator/types.js';
import { asMerchant, connectThroughApi, consentToReauthorization, httpApi, type ApiClient } from '../connect.js';
import { SeededRandom } from '../random.js';
import { retryUntil, sleep, waitFor } from '../retry.js';
import { startStack, type Stack } from '../stack.js';
import { compareWithSnapshot } from '../verify-records.js';
import { reserveBalancerPort, startFleet, type Fleet } from '../topology/fleet.js';
import { replayBothBuilds, type RolloutReplay } from '../topology/rollout-replay.js';
import { changeRequest, companyShape, entitiesOf } from './scenario.js';

export interface TopologyOptions {
  seed: number;
  /** Small companies connected at the start (default 4); two more are connected during the roll, one after it. */
  companies?: number;
  /** Invoices of the large company a worker is killed under (default 20,000). */
  backfillInvoices?: number;
  /** The API's SYNC_INTERVAL for every workflow (default 3s: changes flow while the fleet is shaken). */
  syncInterval?: string;
  keepArtifacts?: boolean;
  log?: (line: string) => void;
}

export interface TopologyRunResult {
  seed: number;
  ok: boolean;
  connections: number;
  lost: number;
  duplicated: number;
  mismatched: number;
  live: number;
  /** Connections whose consent began on one replica and whose callback landed on the other. */
  crossReplicaConnects: number;
  /** Records the large company had stored when its worker was killed, of how many. */
  killedAtRecords: string;
  workersRolled: number;
  /** Workflows (runs) that ended Failed, Terminated or TimedOut. */
  failedWorkflows: number;
  /** Requests QuickBooks answered with 429. */
  throttled: number;
  /** Requests each API replica answered through the load balancer. */
  balancerServed: number[];
  rollout: RolloutReplay | undefined;
  totalMs: number;
  error?: string;
  artifacts?: string;
}

interface Connected {
  connectionId: string;
  realmId: string;
  entities: ReturnType<typeof entitiesOf>;
}

export async function runTopology(options: TopologyOptions): Promise<TopologyRunResult> {
  const startedAt = Date.now();
  const rng = new SeededRandom(options.seed);
  const log = (line: string) => options.log?.(`[topology +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${line}`);
  const workDir = join(PROJECT_ROOT, '.cache', 'chaos', `topology-${process.pid}-${options.seed}-${startedAt}`);
  const result: TopologyRunResult = {
    seed: options.seed, ok: false, connections: 0, lost: 0, duplicated: 0, mismatched: 0, live: 0, crossReplicaConnects: 0, killedAtRecords: 'not killed',
    workersRolled: 0, failedWorkflows: 0, throttled: 0, balancerServed: [], rollout: undefined, totalMs: 0,
  };
  let stack: Stack | undefined;
  let fleet: Fleet | undefined;
  let changesFlow = false;
  let changing: Promise<void> = Promise.resolve();
  try {
    const balancer = await reserveBalancerPort();
    stack = await startStack({
      database: { scratch: `qbo_topology_${process.pid}_${options.seed}`, dropOrphansWithPrefix: 'qbo_topology_' },
      workDir,
      keepWorkDir: true,
      redirectUri: `${balancer.url}/oauth/quickbooks/callback`,
      disconnectUrl: `${balancer.url}/quickbooks/disconnect`,
      simulator: { seed: rng.seed() },
    });
    const activeStack = stack;
    // Both builds' workflow bundles are made once, ahead of the workers: the old build's is made the way
    // `npm run build:workflows` makes it (with the key of the sources, which production workers check) and
    // given as WORKFLOW_BUNDLE_PATH; the new build's workers serve theirs; the replays at the end use both.
    const oldBuildPath = join(workDir, 'old-build-workflow-bundle.js');
    await buildWorkflowBundle(oldBuildPath);
    const oldBuild = { code: readFileSync(oldBuildPath, 'utf8'), path: oldBuildPath };
    const newBuild = await bundleWorkflowCode({ workflowsPath: join(PROJECT_ROOT, 'harness/topology/rollout-workflows.ts') }).then(({ code }) => {
      const path = join(workDir, 'new-build-workflow-bundle.js');
      writeFileSync(path, code);
      return { code, path };
    });
    fleet = await startFleet(stack, { balancerPort: balancer.port, apis: 2, workers: 3, syncInterval: options.syncInterval ?? '3s', bundles: { old: oldBuild.path, new: newBuild.path } });
    const activeFleet = fleet;
    log(`fleet up: ${fleet.apis.map((api) => `${api.label} ${api.url}`).join(', ')} behind ${fleet.balancer.url}; ${fleet.workers.map((worker) => worker.label).join(', ')}`);

    const viaBalancer = httpApi(fleet.balancer.url);
    const [first, second] = fleet.apis.map((api) => httpApi(api.url)) as [ApiClient, ApiClient];
    const created = await viaBalancer.request('/v1/merchants', { method: 'POST', headers: asMerchant(stack.adminApiKey), body: JSON.stringify({ name: 'Topology Merchant' }) });
    if (created.status !== 201) throw new Error(`POST /v1/merchants answered ${created.status}: ${await created.text()}`);
    const { apiKey } = (await created.json()) as { apiKey: string };
    const connected: Connected[] = [];
    const connect = async (company: CreateCompanyRequest, why: string) => {
      const { realmId } = await activeStack.simulator.control.createCompany(company);
      // Consent starts at one replica, Intuit's redirect lands on the other, alternately.
      const [starting, finishing] = connected.length % 2 === 0 ? [first, second] : [second, first];
      const connectionId = await connectThroughApi(starting, apiKey, realmId, finishing);
      result.crossReplicaConnects += 1;
      connected.push({ connectionId, realmId, entities: entitiesOf(company) });
      log(`connected ${realmId} (${why}) across the replicas`);
      return connected.at(-1)!;
    };

    // MARK: a worker killed mid-backfill

    const invoices = options.backfillInvoices ?? 20_000;
    const large = await connect({ seed: rng.seed(), customers: 60, items: 20, invoices }, `${invoices} invoices`);
    for (let index = 0; index < (options.companies ?? 4); index++) await connect(companyShape(rng), 'small');
    changesFlow = true;
    changing = (async () => {
      while (changesFlow) {
        const target = rng.pick(connected);
        await activeStack.simulator.control.applyChanges(target.realmId, changeRequest(rng, target.entities)).catch((error: unknown) => log(`changes refused: ${(error as Error).message}`));
        await sleep(rng.int(300, 900));
      }
    })();
    const stored = () => countRecords(activeStack, large.connectionId);
    const atKill = await waitFor('the large backfill to be under way', async () => ((await stored()) >= Math.min(500, invoices / 10) ? stored() : undefined), { timeoutMs: 120_000 });
    const victim = rng.int(0, 2);
    await fleet.stopWorker(victim, 'SIGKILL');
    result.killedAtRecords = `${atKill} of ${invoices + 80}`;
    log(`SIGKILL ${fleet.workers[victim]!.label} with ${result.killedAtRecords} records of the large company stored; replacing it`);
    await fleet.startWorker(victim, 'old');

    // MARK: rolling restart onto the new build

    for (let index = 0; index < fleet.workers.length; index++) {
      const old = fleet.workers[index]!;
      log(`rolling ${old.label}: SIGTERM (drain), then the new build in its place`);
      await fleet.stopWorker(index, 'SIGTERM');
      const replacement = await fleet.startWorker(index, 'new');
      result.workersRolled += 1;
      log(`${replacement.label} polling; builds now: ${activeFleet.workers.map((worker) => worker.build).join(', ')}`);
      if (index < fleet.workers.length - 1) await connect(companyShape(rng), 'during the roll, old and new builds side by side');
    }
    await connect(companyShape(rng), 'after the roll: starts on the new build');

    // MARK: revocation, re-authorization through the other replica

    const revoked = rng.pick(connected.filter((connection) => connection !== large));
    const disconnect = await stack.simulator.control.disconnect(revoked.realmId);
    // Intuit sends the merchant's browser to our Disconnect URL, at the balancer.
    if (disconnect.disconnectUrl) await fetch(disconnect.disconnectUrl).then((response) => response.text());
    await waitFor(`${revoked.realmId} to park`, async () => ((await connectionStatus(first, apiKey, revoked.connectionId)) === 'needs_reauthorization' ? true : undefined), { timeoutMs: 120_000, intervalMs: 500 });
    log(`${revoked.realmId} parked; re-authorizing: consent from ${fleet.apis[1]!.label}, callback on ${fleet.apis[0]!.label}`);
    const callbackPath = await consentToReauthorization(second, apiKey, revoked.connectionId, { realmId: revoked.realmId });
    const callback = await first.request(callbackPath, { headers: { accept: 'application/json' } });
    if (callback.status !== 200) throw new Error(`the re-authorization callback answered ${callback.status}: ${await callback.text()}`);
    await waitFor(`${revoked.realmId} to resume`, async () => ((await connectionStatus(second, apiKey, revoked.connectionId)) === 'active' ? true : undefined), { timeoutMs: 120_000, intervalMs: 500 });

    // MARK: convergence and verdicts

    changesFlow = false;
    await changing;
    for (const connection of connected) {
      await retryUntil(`sync now ${connection.connectionId}`, async () => {
        const response = await viaBalancer.request(`/v1/connections/${connection.connectionId}/sync`, { method: 'POST', headers: asMerchant(apiKey) });
        if (response.status >= 300) throw new Error(`answered ${response.status}`);
      }, { timeoutMs: 30_000 });
    }
    const comparisons = await waitFor('every connection to equal its snapshot', async () => {
      const all = await Promise.all(connected.map(async (connection) => compareWithSnapshot(activeStack.database.db, connection.connectionId, await activeStack.simulator.control.snapshot(connection.realmId))));
      return all.every((comparison) => comparison.lost + comparison.duplicated + comparison.mismatched === 0) ? all : undefined;
    }, { timeoutMs: 240_000, intervalMs: 1_000 }).catch(async (error: unknown) => {
      result.error = (error as Error).message;
      return Promise.all(connected.map(async (connection) => compareWithSnapshot(activeStack.database.db, connection.connectionId, await activeStack.simulator.control.snapshot(connection.realmId))));
    });
    for (const comparison of comparisons) {
      result.lost += comparison.lost;
      result.duplicated += comparison.duplicated;
      result.mismatched += comparison.mismatched;
      result.live += comparison.live;
      if (comparison.examples.length > 0) log(`differs: ${comparison.examples.slice(0, 5).join('; ')}`);
    }
    result.connections = connected.length;
    const statuses = await Promise.all(connected.map((connection) => connectionStatus(viaBalancer, apiKey, connection.connectionId)));
    const ended = stack.client.workflow.list({ query: "ExecutionStatus='Failed' OR ExecutionStatus='Terminated' OR ExecutionStatus='TimedOut'" });
    for await (const execution of ended) {
      result.failedWorkflows += 1;
      log(`workflow ${execution.workflowId} run ${execution.runId} ended ${execution.status.name}`);
    }
    result.throttled = (await stack.simulator.control.requests()).data.filter((request) => request.status === 429).length;
    result.balancerServed = [...fleet.balancer.served];
    result.rollout = await replayBothBuilds(stack, join(workDir, 'histories'), { old: { code: oldBuild.code }, new: { code: newBuild.code } });
    log(`replay: ${result.rollout.summary}`);
    const problems = [
      ...(result.error ? [result.error] : []),
      ...statuses.flatMap((status, index) => (status === 'active' ? [] : [`${connected[index]!.realmId} ended ${status}`])),
      ...(result.failedWorkflows > 0 ? [`${result.failedWorkflows} workflow run(s) failed`] : []),
      ...(result.throttled > 0 ? [`QuickBooks answered 429 ${result.throttled} time(s)`] : []),
      ...(result.balancerServed.filter((count) => count > 0).length < 2 ? ['the load balancer did not spread requests over both replicas'] : []),
      ...result.rollout.problems,
    ];
    result.ok = problems.length === 0 && result.lost + result.duplicated + result.mismatched === 0;
    if (!result.ok) result.error = problems.join('; ') || 'records differ from the snapshot';
  } catch (error) {
    result.error = (error as Error).stack ?? String(error);
  } finally {
    changesFlow = false;
    await changing.catch(() => undefined);
    result.totalMs = Date.now() - startedAt;
    await fleet?.close().catch(() => undefined);
    if (stack) {
      const keep = options.keepArtifacts || !result.ok;
      if (keep) result.artifacts = workDir;
      await stack.close().catch((error: unknown) => log(`teardown: ${(error as Error).message}`));
      if (!keep) rmSync(workDir, { recursive: true, force: true });
    }
  }
  return result;
}

async function countRecords(stack: Stack, connectionId: string): Promise<number> {
  const [row] = await stack.database.db.select({ count: sql<number>`count(*)::int` }).from(quickbooksRecords).where(eq(quickbooksRecords.connectionId, connectionId));
  return row?.count ?? 0;
}

async function connectionStatus(api: ApiClient, apiKey: string, connectionId: string): Promise<string> {
  const response = await api.request(`/v1/connections/${connectionId}`, { headers: asMerchant(apiKey) });
  if (response.status !== 200) throw new Error(`GET /v1/connections/${connectionId} answered ${response.status}`);
  return ((await response.json()) as { status: string }).status;
}

export function topologySummaryLine(result: TopologyRunResult): string {
  return [
    `topology seed=${result.seed} ${result.ok ? 'ok' : 'FAILED'}`,
    `connections=${result.connections} lost=${result.lost} duplicated=${result.duplicated} mismatched=${result.mismatched} live=${result.live}`,
    `cross_replica_connects=${result.crossReplicaConnects} killed_mid_backfill_at=${result.killedAtRecords.replaceAll(' ', '_')} workers_rolled=${result.workersRolled}`,
    `failed_workflows=${result.failedWorkflows} throttled_429=${result.throttled} balancer_served=${result.balancerServed.join('/')}`,
    `replay: ${result.rollout?.summary ?? 'not reached'}`,
    `total=${(result.totalMs / 1000).toFixed(1)}s`,
    ...(result.artifacts ? [`artifacts=${result.artifacts}`] : []),
  ].join(' | ');
}
