/**
 * One chaos run: several connections (companies of different seeds and sizes) sync on a real stack
 * while, at moments drawn from the run's seed, workers are SIGKILLed and restarted, the Temporal dev
 * server is SIGKILLed and restarted on its SQLite file, the workers' Postgres connections are
 * terminated, the simulator injects 429/5xx/timeouts/resets and latency, grants are revoked and later
 * re-authorized, and the books keep changing. Then the faults stop, every connection is re-authorized
 * where it needs it and asked to sync, and its records are compared with the simulator's snapshot:
 * nothing may be lost, duplicated or different. `npm run chaos` and test/chaos run exactly this.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { notifications } from '../../db/schema/index.js';
import type { QuickBooksEntity } from '../../simulator/types.js';
import { statusQuery, syncNowSignal } from '../../workflows/messages.js';
import type { ConnectionStatusView } from '../../shared/workflow-payloads.js';
import { PROJECT_ROOT } from '../../shared/paths.js';
import { compareWithSnapshot, type RecordComparison } from '../verify-records.js';
import { connectCompany, reauthorizeConnection, type StackConnection } from '../connect.js';
import { WORKER_READY, type ManagedProcess } from '../node-process.js';
import { terminateProductConnections } from '../postgres.js';
import { SeededRandom } from '../random.js';
import { retryUntil, sleep } from '../retry.js';
import { startStack, type Stack } from '../stack.js';
import { changeRequest, companyShape, describeCompany, entitiesOf, faultRules } from './scenario.js';
import type { ChaosEventKind, ChaosOptions, ChaosRunResult } from './types.js';

interface WorkerSlot {
  label: string;
  generation: number;
  process: ManagedProcess | undefined;
  /** Set while we kill it on purpose, so its exit is not counted as a crash. */
  killing: boolean;
}

interface TrackedConnection extends StackConnection {
  /** A revocation we made that has not been re-authorized yet. */
  revoked: boolean;
  /** Entities this company has records of (changes are asked only for those). */
  entities: QuickBooksEntity[];
}

export async function runChaos(options: ChaosOptions): Promise<ChaosRunResult> {
  const startedAt = Date.now();
  const rng = new SeededRandom(options.seed);
  const log = (line: string) => options.log?.(`[seed ${options.seed} +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${line}`);
  const connectionCount = options.connections ?? 3;
  const durationMs = options.durationMs ?? 20_000;
  const workerCount = options.workers ?? rng.int(1, 2);
  const convergeTimeoutMs = options.convergeTimeoutMs ?? 150_000;
  const workDir = join(PROJECT_ROOT, '.cache', 'chaos', `run-${process.pid}-${options.seed}-${startedAt}`);
  const events: Record<ChaosEventKind, number> = { worker_kill: 0, temporal_kill: 0, db_terminate: 0, faults: 0, revoke: 0, changes: 0 };
  const result: ChaosRunResult = {
    seed: options.seed, ok: false, lost: 0, duplicated: 0, mismatched: 0, live: 0, connections: [], events, revocations: 0, parks: 0,
    unexpectedParks: 0, workerCrashes: 0, workerExitReasons: {}, apiRequests: 0, faultedRequests: 0, setupMs: 0, chaosMs: 0, convergeMs: 0, totalMs: 0,
  };

  let stack: Stack | undefined;
  const slots: WorkerSlot[] = [];
  try {
    stack = await startStack({
      database: { scratch: `qbo_chaos_${process.pid}_${options.seed}`, dropOrphansWithPrefix: 'qbo_chaos_' },
      workDir,
      keepWorkDir: true,
      persistTemporal: true,
      simulator: {
        seed: rng.seed(),
        // Access tokens that need a refresh every ~10–30 s (the workflow refreshes 5 minutes before expiry),
        // so that refresh-token rotation (strictest: every refresh, no grace) is under fire too.
        config: { accessTokenTtlSeconds: rng.int(310, 330) },
      },
    });
    const activeStack = stack;
    log(`stack up: temporal ${stack.temporal.address}, database ${stack.database.name}, simulator ${stack.simulator.url}, ${workerCount} worker(s)`);

    // MARK: workers

    const startWorker = (slot: WorkerSlot) => {
      slot.generation += 1;
      const child = activeStack.spawnWorker({ label: `${slot.label}-${slot.generation}`, env: options.workflowBundlePath ? { WORKFLOW_BUNDLE_PATH: options.workflowBundlePath } : undefined });
      slot.process = child;
      slot.killing = false;
      void child.exited.then((how) => {
        if (slot.process !== child || slot.killing) return;
        result.workerCrashes += 1;
        const reason = /^(\w*Error): ([^\n(]{0,60})/m.exec(child.output())?.slice(1, 3).join(': ') ?? `exit ${how}`;
        result.workerExitReasons[reason] = (result.workerExitReasons[reason] ?? 0) + 1;
        log(`${slot.label} exited on its own (${how}); restarting it. Last output:\n${child.output().slice(-1_500)}`);
        slot.process = undefined;
        setTimeout(() => !slot.killing && slot.process === undefined && startWorker(slot), 1_000);
      });
      return child;
    };
    for (let index = 0; index < workerCount; index++) slots.push({ label: `worker${index + 1}`, generation: 0, process: undefined, killing: false });
    const workersReady = Promise.all(slots.map((slot) => startWorker(slot).waitForOutput(WORKER_READY, 120_000)));

    // MARK: connections (while the workers boot)

    const merchant = await stack.createMerchant('Chaos Merchant');
    const connections: TrackedConnection[] = [];
    for (let index = 0; index < connectionCount; index++) {
      const company = companyShape(rng);
      const { realmId } = await stack.simulator.control.createCompany(company);
      const workflow = {
        syncIntervalMs: rng.int(1_500, 4_000),
        pageSize: rng.pick([25, 50, 100]),
        ...(rng.chance(0.5) ? { continueAsNewAfterEvents: rng.int(150, 400) } : {}),
      };
      const connection = await connectCompany(stack, { merchantId: merchant.id, realmId, workflow, retryForMs: 60_000 });
      connections.push({ ...connection, revoked: false, entities: entitiesOf(company) });
      log(`connected ${realmId} (${describeCompany(company)}; page ${workflow.pageSize}, every ${workflow.syncIntervalMs} ms${workflow.continueAsNewAfterEvents ? `, continue-as-new after ${workflow.continueAsNewAfterEvents} events` : ''})`);
    }
    await workersReady;
    result.setupMs = Date.now() - startedAt;

    // MARK: chaos

    const inFlight = new Set<Promise<unknown>>();
    const track = (what: string, work: Promise<unknown>) => {
      const settled: Promise<unknown> = work.then(
        () => inFlight.delete(settled),
        (error: unknown) => {
          inFlight.delete(settled);
          log(`${what} failed: ${(error as Error).message}`);
        },
      );
      inFlight.add(settled);
    };
    let temporalDown = false;
    let faultWindow = 0;
    const chaosStartedAt = Date.now();
    const injects429 = rng.chance(0.25);

    const chaosEvents: Record<ChaosEventKind, () => void> = {
      worker_kill: () => {
        const alive = slots.filter((candidate) => candidate.process?.alive() && !candidate.killing);
        if (alive.length === 0) return;
        const slot = rng.pick(alive);
        const downMs = rng.int(300, 4_000);
        events.worker_kill += 1;
        log(`SIGKILL ${slot.process!.label}; back in ${downMs} ms`);
        slot.killing = true;
        track(`restarting ${slot.label}`, (async () => {
          await slot.process!.stop('SIGKILL');
          await sleep(downMs);
          startWorker(slot);
        })());
      },
      temporal_kill: () => {
        if (temporalDown) return;
        temporalDown = true;
        const downMs = rng.int(300, 3_000);
        events.temporal_kill += 1;
        log(`SIGKILL temporal dev server; restart on its SQLite file in ${downMs} ms`);
        track('restarting temporal', (async () => {
          await activeStack.temporalServer!.kill();
          await sleep(downMs);
          await activeStack.temporalServer!.restart();
          temporalDown = false;
          log('temporal dev server back');
        })());
      },
      db_terminate: () => {
        events.db_terminate += 1;
        track('terminating Postgres connections', terminateProductConnections(activeStack.database.name!).then((count) => log(`pg_terminate_backend: ${count} worker connection(s)`)));
      },
      faults: () => {
        const window = ++faultWindow;
        const rules = faultRules(rng, injects429 && Date.now() - chaosStartedAt < durationMs / 2);
        const lastsMs = rng.int(1_500, 6_000);
        events.faults += 1;
        log(`faults for ${lastsMs} ms: ${rules.map((rule) => `${rule.kind}@${rule.rate}${rule.target && rule.target !== 'api' ? `/${rule.target}` : ''}`).join(', ')}`);
        track('fault window', (async () => {
          await activeStack.simulator.control.setFaults({ seed: rng.seed(), rules });
          await sleep(lastsMs);
          if (faultWindow === window) await activeStack.simulator.control.clearFaults();
        })());
      },
      revoke: () => {
        const candidates = connections.filter((connection) => !connection.revoked);
        if (candidates.length === 0) return;
        const connection = rng.pick(candidates);
        const awayMs = rng.int(1_000, 8_000);
        connection.revoked = true;
        events.revoke += 1;
        result.revocations += 1;
        log(`revoke ${connection.realmId} (the merchant disconnects the app in QuickBooks); re-authorize in ${awayMs} ms`);
        track(`revoking ${connection.realmId}`, (async () => {
          await activeStack.simulator.control.disconnect(connection.realmId);
          await sleep(awayMs);
          await reauthorizeConnection(activeStack, connection, { retryForMs: 120_000 });
          connection.revoked = false;
          log(`re-authorized ${connection.realmId}`);
        })());
      },
      changes: () => {
        const connection = rng.pick(connections);
        const changes = changeRequest(rng, connection.entities);
        events.changes += 1;
        track(`changing ${connection.realmId}`, activeStack.simulator.control.applyChanges(connection.realmId, changes).then(
          ({ changed }) => log(`${changed.length} change(s) in ${connection.realmId}`),
          (error: unknown) => log(`changes refused in ${connection.realmId}: ${(error as Error).message}`),
        ));
      },
    };
    const weights: [ChaosEventKind, number][] = [
      ['changes', 3],
      ['worker_kill', 2],
      ['db_terminate', 1.5],
      ['faults', 2],
      ['revoke', 1.5],
      ['temporal_kill', 1],
    ];
    // Every kind of trouble once, in an order drawn from the seed, then whatever the weights pick.
    const firstRound = rng.shuffle(weights.map(([kind]) => kind));
    const gapMs = () => rng.int(300, Math.max(600, Math.min(2_500, Math.floor(durationMs / (firstRound.length + 2)))));
    while (Date.now() - chaosStartedAt < durationMs) {
      await sleep(gapMs());
      if (Date.now() - chaosStartedAt >= durationMs) break;
      chaosEvents[firstRound.shift() ?? rng.weighted(weights)]();
    }
    // Changes keep coming until the very end; make sure the last ones come after the last fault.
    chaosEvents.changes();
    result.chaosMs = Date.now() - chaosStartedAt;

    // MARK: convergence

    log(`chaos over (${Object.entries(events).map(([kind, count]) => `${kind}=${count}`).join(' ')}); settling`);
    const convergeStartedAt = Date.now();
    faultWindow += 1;
    await retryUntil('clearing faults', () => activeStack.simulator.control.clearFaults(), { timeoutMs: 10_000 });
    // Restarts and re-authorizations still under way finish first (each has its own deadline).
    while (inFlight.size > 0) await Promise.race(inFlight);
    await stack.temporalServer!.restart();
    for (const slot of slots) if (!slot.process?.alive() && !slot.killing) startWorker(slot);
    // Signals sent while no worker was up (re-authorizations) are applied once one is: wait for them.
    await Promise.all(slots.map((slot) => slot.process!.waitForOutput(WORKER_READY, 120_000)));

    const statusOf = (connection: StackConnection) =>
      retryUntil(`querying ${connection.workflowId}`, () => activeStack.client.workflow.getHandle(connection.workflowId).query(statusQuery), { timeoutMs: 90_000, intervalMs: 1_000 });
    for (const connection of connections) {
      let status: ConnectionStatusView = await statusOf(connection);
      for (const settleBy = Date.now() + 20_000; status.status !== 'active' && Date.now() < settleBy; ) {
        await sleep(500);
        status = await statusOf(connection);
      }
      if (status.status !== 'needs_reauthorization') continue;
      // Every revocation of ours was re-authorized; if QuickBooks still holds a live grant for the company,
      // the product lost it (e.g. a rotated refresh token that a killed worker never stored).
      const grants = (await activeStack.simulator.control.grants({ realmId: connection.realmId })).data;
      const liveGrant = grants.some((grant) => grant.status === 'active');
      if (liveGrant) result.unexpectedParks += 1;
      log(`${connection.realmId} is parked${liveGrant ? ' although QuickBooks still has a live grant for it' : ''} (${status.lastError?.type}: ${status.lastError?.message}); re-authorizing`);
      await reauthorizeConnection(activeStack, connection, { retryForMs: 120_000 });
    }
    for (const connection of connections) {
      await retryUntil(`syncNow ${connection.workflowId}`, () => activeStack.client.workflow.getHandle(connection.workflowId).signal(syncNowSignal, { reason: 'chaos run: final check' }), { timeoutMs: 60_000 });
    }

    let comparisons: RecordComparison[] = [];
    const deadline = Date.now() + convergeTimeoutMs;
    for (;;) {
      comparisons = [];
      for (const connection of connections) {
        comparisons.push(await compareWithSnapshot(activeStack.database.db, connection.connectionId, await activeStack.simulator.control.snapshot(connection.realmId)));
      }
      if (comparisons.every((comparison) => comparison.lost + comparison.duplicated + comparison.mismatched === 0)) break;
      if (Date.now() > deadline) {
        result.error = `records did not match the snapshot within ${convergeTimeoutMs / 1000} s of the end of the chaos`;
        break;
      }
      await sleep(1_000);
    }
    result.convergeMs = Date.now() - convergeStartedAt;

    for (const [index, connection] of connections.entries()) {
      const comparison = comparisons[index]!;
      const status = await statusOf(connection).catch((error: unknown) => ({ status: `unknown (${(error as Error).message})` }) as unknown as ConnectionStatusView);
      result.connections.push({ ...comparison, connectionId: connection.connectionId, realmId: connection.realmId, status: status.status });
      result.lost += comparison.lost;
      result.duplicated += comparison.duplicated;
      result.mismatched += comparison.mismatched;
      result.live += comparison.live;
      if (comparison.lost + comparison.duplicated + comparison.mismatched > 0) log(`${connection.realmId} differs: ${comparison.examples.join('; ')}`);
      if (status.status !== 'active') log(`${connection.realmId} ended ${status.status}`);
    }
    const [parks] = await stack.database.db
      .select({ count: sql<number>`count(*)::int` })
      .from(notifications)
      .where(eq(notifications.kind, 'needs_reauthorization'));
    result.parks = parks?.count ?? 0;
    const requests = (await stack.simulator.control.requests({ kind: 'api' })).data;
    result.apiRequests = requests.length;
    result.faultedRequests = requests.filter((request) => request.fault !== undefined && request.fault !== 'latency').length;
    result.ok = !result.error && result.lost + result.duplicated + result.mismatched === 0 && result.connections.every((connection) => connection.status === 'active');
    if (!result.ok && !result.error) result.error = 'a connection did not end active';
  } catch (error) {
    result.error = (error as Error).stack ?? String(error);
  } finally {
    result.totalMs = Date.now() - startedAt;
    if (stack) {
      for (const slot of slots) slot.killing = true;
      const keep = options.keepArtifacts || !result.ok;
      if (keep) result.artifacts = workDir;
      const closing = Date.now();
      await stack.close().catch((error: unknown) => log(`teardown: ${(error as Error).message}`));
      if (!keep) rmSync(workDir, { recursive: true, force: true });
      log(`torn down in ${Date.now() - closing} ms`);
    }
  }
  return result;
}
