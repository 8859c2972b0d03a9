/**
 * `npm run ops` against a running stack (Temporal, Postgres, the simulator, a worker). Five connections
 * in every state: two active, two parked after Intuit disconnected them, one never authorized, one
 * disconnected. The operator finds the parked ones (ops and Temporal's own CLI agree), reads one
 * connection whole, and resyncs a window — which re-pulls exactly that window. Commands run through
 * `runOpsCli` (all that cli/ops.ts does) with the operator's environment; a few run as real `npm run ops`
 * processes, so that output and exit statuses are proven as a shell sees them.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from '../../db/queries/connections.js';
import { listSyncRuns } from '../../db/queries/sync-runs.js';
import { quickbooksRecords } from '../../db/schema/index.js';
import type { ConnectionListItem, ConnectionStatusReport } from '../../connections/operator-views.js';
import { requireTemporalBinaries } from '../../local/temporal-binaries.js';
import { workflowIdForConnection, type QuickBooksEntity } from '../../shared/contract.js';
import { disconnectSignal, syncNowSignal } from '../../workflows/messages.js';
import type { ConnectionStatusView } from '../../shared/workflow-payloads.js';
import type { SyncCheckpoint } from '../../shared/workflow-payloads.js';
import { npmRun, runCommand, type CommandResult } from '../replay/support.js';
import { runOps } from '../support/ops-in-process.js';
import { startSyncFixture, type ConnectedCompany, type SyncFixture } from '../support/sync-fixture.js';

/** `npm run ops` exit statuses, as the README documents them. */
const OPS_EXIT = { ok: 0, failed: 1, usage: 2, notFound: 3, refused: 4 };

describe('npm run ops', () => {
  let fixture: SyncFixture;
  let env: Record<string, string>;
  let active: ConnectedCompany;
  let other: ConnectedCompany;
  let parked: ConnectedCompany[];
  let pendingId: string;
  let disconnected: ConnectedCompany;
  /** What `npm run ops -- …args` runs, in this process. */
  const ops = (...args: string[]) => runOps(args, env);
  /** `npm run ops -- …args`, a process of its own, as an operator's shell runs it. */
  const npmOps = (...args: string[]) => npmRun('ops', args, { env });
  const idle = (view: ConnectionStatusView) =>
    view.status === 'active' && view.phase === 'idle' && (view.checkpoint as SyncCheckpoint).pass === null && (view.checkpoint as SyncCheckpoint).changedSince !== null;
  /** fixture.waitFor, for beforeAll (where expect.poll is not allowed). */
  async function settle(connection: ConnectedCompany, predicate: (view: ConnectionStatusView) => boolean, timeoutMs = 45_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(await fixture.status(connection))) {
      if (Date.now() > deadline) throw new Error(`${connection.connectionId} did not settle: ${JSON.stringify(await fixture.status(connection))}`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  beforeAll(async () => {
    fixture = await startSyncFixture({ workflow: { pageSize: 10 } });
    env = { DATABASE_URL: fixture.db.url, TEMPORAL_ADDRESS: fixture.temporal.address, TEMPORAL_NAMESPACE: fixture.temporal.namespace };
    const small = (seed: number) => ({ company: { seed, customers: 3, items: 2, invoices: 4, salesReceipts: 1, creditMemos: 0, refundReceipts: 0, payments: 1 } });
    [active, other, ...parked] = await Promise.all([
      fixture.connect({ company: { seed: 71, customers: 8, items: 4, invoices: 25, salesReceipts: 3, creditMemos: 2, refundReceipts: 1, payments: 5 } }),
      fixture.connect(small(72)),
      fixture.connect(small(73)),
      fixture.connect(small(74)),
    ]);
    disconnected = await fixture.connect(small(75));
    pendingId = (await createConnection(fixture.db.db, { merchantId: fixture.merchant.id })).id;
    await Promise.all([active, other, ...parked, disconnected].map((connection) => settle(connection, idle)));

    // Intuit loses the grant (the merchant disconnected the app inside QuickBooks): the next cycle parks.
    for (const connection of parked) {
      await fixture.simulator.control.disconnect(connection.realmId);
      await connection.handle.signal(syncNowSignal, { reason: 'test' });
    }
    await Promise.all(parked.map((connection) => settle(connection, (view) => view.status === 'needs_reauthorization')));
    await disconnected.handle.signal(disconnectSignal, {});
    await disconnected.handle.result();
  });
  afterAll(async () => fixture?.close());

  it('list --status needs_reauthorization lists exactly the parked connections; list shows every state', async () => {
    const result = await npmOps('list', '--status', 'needs_reauthorization', '--json');
    expect(result.code, result.stderr).toBe(OPS_EXIT.ok);
    const items = JSON.parse(result.stdout) as ConnectionListItem[];
    expect(items.map((item) => item.id).sort()).toEqual(parked.map((connection) => connection.connectionId).sort());
    expect(items.every((item) => item.needsReauthorizationSince !== null && item.lastErrorType !== null)).toBe(true);

    const table = await ops('list', '--status', 'needs_reauthorization');
    expect(table.code).toBe(OPS_EXIT.ok);
    expect(table.stdout.split('\n')[0]).toMatch(/^CONNECTION\s+STATUS\s+PHASE\s+REALM/);
    for (const connection of parked) expect(table.stdout).toContain(connection.connectionId);
    expect(table.stdout).not.toContain(active.connectionId);

    const listed = await ops('list', '--json');
    expect(listed.code, listed.stderr).toBe(OPS_EXIT.ok);
    const all = JSON.parse(listed.stdout) as ConnectionListItem[];
    const statusOf = (id: string) => all.find((item) => item.id === id)?.status;
    expect(all).toHaveLength(6);
    expect(statusOf(active.connectionId)).toBe('active');
    expect(statusOf(pendingId)).toBe('pending_authorization');
    expect(statusOf(disconnected.connectionId)).toBe('disconnected');
  });

  it("Temporal's own CLI finds exactly the parked workflows by search attribute", async () => {
    const cli = requireTemporalBinaries().cli;
    // Scoped to this file's merchant: other test files park workflows on the same server.
    const query = `QuickBooksConnectionStatus='needs_reauthorization' AND MerchantId='${fixture.merchant.id}'`;
    const expected = parked.map((connection) => workflowIdForConnection(connection.connectionId)).sort();
    let found: string[] = [];
    // Visibility is eventually consistent: poll.
    await expect
      .poll(
        async () => {
          const listed = await runCommand(cli, ['workflow', 'list', '--address', fixture.temporal.address, '--namespace', fixture.temporal.namespace, '--query', query, '-o', 'json']);
          expect(listed.code, listed.stderr).toBe(0);
          const parsed = JSON.parse(listed.stdout || '[]') as { execution: { workflowId: string } }[];
          found = parsed.map((entry) => entry.execution.workflowId).sort();
          return found;
        },
        { timeout: 20_000, interval: 500 },
      )
      .toEqual(expected);
    expect(found).not.toContain(workflowIdForConnection(active.connectionId));
  });

  it('status shows the connection row, the workflow (describe and the status query) and its sync runs', async () => {
    const result = await ops('status', active.connectionId, '--json');
    expect(result.code, result.stderr).toBe(OPS_EXIT.ok);
    const report = JSON.parse(result.stdout) as ConnectionStatusReport;
    expect(report.connection).toMatchObject({ id: active.connectionId, status: 'active', realmId: active.realmId });
    expect(report.workflow).toMatchObject({ workflowId: workflowIdForConnection(active.connectionId), executionStatus: 'RUNNING', taskQueue: fixture.temporal.taskQueue, problem: null });
    expect(report.workflow.searchAttributes).toMatchObject({ QuickBooksConnectionStatus: 'active', QuickBooksRealmId: active.realmId, MerchantId: fixture.merchant.id, NeedsReauthorizationSince: null });
    expect(report.workflow.view).toMatchObject({ status: 'active', phase: 'idle', realmId: active.realmId, lastError: null });
    const backfill = report.syncRuns.find((run) => run.kind === 'backfill')!;
    expect(backfill).toMatchObject({ outcome: 'succeeded', errorType: null });
    expect(backfill.durationMs).toBeGreaterThanOrEqual(0);
    expect(backfill.counts.Invoice?.upserted).toBe(25);

    const text = await ops('status', workflowIdForConnection(parked[0]!.connectionId));
    expect(text.code, text.stderr).toBe(OPS_EXIT.ok);
    expect(text.stdout).toContain(`Workflow ${workflowIdForConnection(parked[0]!.connectionId)}`);
    expect(text.stdout).toMatch(/status\s+needs_reauthorization\s+phase waiting_for_reauthorization/);
    expect(text.stdout).toMatch(/QuickBooksConnectionStatus=needs_reauthorization/);
    expect(text.stdout).toMatch(/Recent sync runs\n\s+CYCLE\s+KIND\s+OUTCOME/);
    expect(text.stdout).toMatch(/incremental\s+needs_reauthorization/);

    const pending = JSON.parse((await ops('status', pendingId, '--json')).stdout) as ConnectionStatusReport;
    expect(pending.workflow).toMatchObject({ executionStatus: null, view: null, problem: expect.stringContaining('no workflow') });
  });

  it('refuses what the state does not allow and rejects bad input, each with its exit status', async () => {
    const cases: [string[], number, RegExp][] = [
      [['status', '7d444840-9dc0-11d1-b245-5ffdce74fad2'], OPS_EXIT.notFound, /no connection 7d444840/],
      [['sync', parked[0]!.connectionId], OPS_EXIT.refused, /until the merchant re-authorizes/],
      [['resync', active.connectionId, '--since', 'last week'], OPS_EXIT.usage, /not an ISO-8601 date/],
      [['status', 'not-a-connection'], OPS_EXIT.usage, /is not a connection id/],
      [['sync', disconnected.connectionId], OPS_EXIT.refused, /was disconnected/],
      [['resync', pendingId, '--since', '2024-01-01'], OPS_EXIT.refused, /not authorized yet/],
      [['resync', active.connectionId, '--since', '2999-01-01T00:00:00Z'], OPS_EXIT.usage, /is in the future/],
      [['resync', active.connectionId, '--since', '2024-01-01', '--entities', 'Invoice,Bill'], OPS_EXIT.usage, /unknown entity "Bill"/],
      [['list', '--limit', 'many'], OPS_EXIT.usage, /--limit must be an integer/],
      [['frobnicate'], OPS_EXIT.usage, /unknown command "frobnicate"/],
    ];
    // Two as real processes: the exit status and the message reach the shell.
    const inShell = [cases[1]!, cases[9]!]; // refused (a parked connection) and usage (an unknown command)
    const [results, shellResults] = await Promise.all([Promise.all(cases.map(([args]) => ops(...args))), Promise.all(inShell.map(([args]) => npmOps(...args)))]);
    const check = ([args, code, message]: (typeof cases)[number], result: CommandResult) => {
      expect(result.code, `ops ${args.join(' ')}: ${result.stderr}`).toBe(code);
      expect(result.stderr).toMatch(message);
    };
    results.forEach((result, index) => check(cases[index]!, result));
    shellResults.forEach((result, index) => check(inShell[index]!, result));
  });

  it('resync re-pulls exactly the window asked: queries from `since` for the named entities only, and the window is read again', async () => {
    const { db } = fixture.db;
    const snapshot = await fixture.simulator.control.snapshot(active.realmId);
    const seconds = (value: string) => Math.floor(Date.parse(value) / 1000) * 1000;
    const invoiceTimes = [...new Set(snapshot.entities.Invoice.map((entry) => seconds(entry.lastUpdatedTime)))].sort((a, b) => a - b);
    const since = new Date(invoiceTimes[Math.floor(invoiceTimes.length / 2)]!).toISOString();
    const inWindow = (entry: { lastUpdatedTime: string }) => seconds(entry.lastUpdatedTime) >= Date.parse(since);
    const live = (entity: QuickBooksEntity) => snapshot.entities[entity].filter((entry) => !entry.deleted);

    // Lose some of our copies, inside the window and before it: only the window's may come back.
    const lostInWindow = live('Invoice').filter(inWindow).slice(0, 2).map((entry) => entry.id);
    const lostBefore = live('Invoice').find((entry) => !inWindow(entry))!.id;
    const lostCustomer = live('Customer').find(inWindow)?.id;
    await db.delete(quickbooksRecords).where(and(eq(quickbooksRecords.connectionId, active.connectionId), eq(quickbooksRecords.entity, 'Invoice'), inArray(quickbooksRecords.qboId, [...lostInWindow, lostBefore])));
    if (lostCustomer) await db.delete(quickbooksRecords).where(and(eq(quickbooksRecords.connectionId, active.connectionId), eq(quickbooksRecords.entity, 'Customer'), eq(quickbooksRecords.qboId, lostCustomer)));

    const signalledAt = new Date().toISOString();
    const result = await ops('resync', active.connectionId, '--since', since, '--entities', 'invoice,Customer');
    expect(result.code, result.stderr).toBe(OPS_EXIT.ok);
    expect(result.stdout).toContain(`Signalled resync (since ${since}, entities Invoice,Customer) to ${workflowIdForConnection(active.connectionId)}`);

    await expect.poll(async () => (await listSyncRuns(db, { connectionId: active.connectionId, limit: 5 })).find((run) => run.kind === 'resync')?.outcome, { timeout: 30_000, interval: 200 }).toBe('succeeded');
    const resync = (await listSyncRuns(db, { connectionId: active.connectionId, limit: 5 })).find((run) => run.kind === 'resync')!;
    // Every record of the window was read (a page re-reads the records of its first second, hence "at least"),
    // and not the older ones.
    const read = (entity: QuickBooksEntity) => (resync.counts[entity]?.upserted ?? 0) + (resync.counts[entity]?.skipped ?? 0);
    for (const entity of ['Invoice', 'Customer'] as const) {
      expect(read(entity)).toBeGreaterThanOrEqual(live(entity).filter(inWindow).length);
      expect(read(entity)).toBeLessThan(live(entity).filter(inWindow).length + 5);
    }
    expect(live('Invoice').filter(inWindow).length).toBeLessThan(live('Invoice').length);
    expect(resync.counts.Invoice?.upserted).toBeGreaterThanOrEqual(lostInWindow.length);
    expect(Object.keys(resync.counts).sort()).toEqual(['Customer', 'Invoice']);

    // What QuickBooks was asked, from the simulator's request log.
    const queries = (await fixture.simulator.control.requests({ realmId: active.realmId, since: signalledAt })).data.filter((entry) => entry.path.endsWith('/query'));
    expect(queries.every((entry) => entry.method === 'GET')).toBe(true);
    const statements = queries.map((entry) => new URLSearchParams(entry.query).get('query')!);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) expect(statement, statement).toMatch(/ FROM (Invoice|Customer)\b/);
    const windowed = statements.map((statement) => ({ statement, from: /MetaData\.LastUpdatedTime >= '([^']+)'/.exec(statement)?.[1] })).filter((entry) => entry.from);
    for (const entity of ['Invoice', 'Customer']) {
      expect(windowed.some((entry) => entry.statement.includes(`FROM ${entity} `) && Date.parse(entry.from!) === Date.parse(since)), `a ${entity} query from ${since}`).toBe(true);
    }
    for (const entry of windowed) expect(Date.parse(entry.from!), entry.statement).toBeGreaterThanOrEqual(Date.parse(since));

    // The window is whole again; the invoice lost before it is still missing (nothing earlier was read).
    const comparison = await fixture.compare(active);
    expect(comparison.lost, comparison.examples.join('\n')).toBe(1);
    expect(comparison.examples.join('\n')).toContain(`Invoice/${lostBefore} `);

    const status = JSON.parse((await ops('status', active.connectionId, '--json')).stdout) as ConnectionStatusReport;
    expect(status.syncRuns.some((run) => run.kind === 'resync' && run.outcome === 'succeeded')).toBe(true);
  });

  it('sync asks for a cycle now', async () => {
    await fixture.waitFor(other, idle);
    const before = (await listSyncRuns(fixture.db.db, { connectionId: other.connectionId, limit: 20 })).length;
    const result = await ops('sync', other.connectionId, '--reason', 'operator check');
    expect(result.code, result.stderr).toBe(OPS_EXIT.ok);
    expect(result.stdout).toContain(`Signalled syncNow (reason operator check) to ${workflowIdForConnection(other.connectionId)}`);
    await expect.poll(async () => (await listSyncRuns(fixture.db.db, { connectionId: other.connectionId, limit: 20 })).length, { timeout: 15_000 }).toBe(before + 1);
    const [latest] = await listSyncRuns(fixture.db.db, { connectionId: other.connectionId, limit: 1 });
    expect(latest).toMatchObject({ kind: 'incremental', outcome: 'succeeded' });
  });
});
