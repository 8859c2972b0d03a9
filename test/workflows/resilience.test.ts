import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '../../db/schema/index.js';
import { entityCursors } from '../../shared/checkpoint.js';
import type { SyncCheckpoint } from '../../shared/workflow-payloads.js';
import { startSyncFixture, type SyncFixture } from '../support/sync-fixture.js';

const TOKEN_PATH = '/oauth2/v1/tokens/bearer';

describe('a connection whose access token expires every second', () => {
  let fixture: SyncFixture;
  beforeAll(async () => {
    fixture = await startSyncFixture({
      // Strictest Intuit: every refresh rotates, the superseded refresh token dies at once.
      simulatorConfig: { accessTokenTtlSeconds: 1, refreshTokenRotation: 'every_refresh', supersededRefreshTokenGraceSeconds: 0 },
      workflow: { syncIntervalMs: 250 },
    });
  });
  afterAll(async () => fixture?.close());

  it('survives many refresh-token rotations without a single invalid_grant', async () => {
    const startedAt = new Date().toISOString();
    const connection = await fixture.connect({ company: { seed: 31, customers: 10, items: 5, invoices: 30 } });
    const refreshes = async () =>
      (await fixture.simulator.control.requests({ since: startedAt })).data.filter((call) => call.path === TOKEN_PATH);
    await expect.poll(async () => (await refreshes()).filter((call) => call.status === 200).length, { timeout: 30_000, interval: 250 }).toBeGreaterThanOrEqual(15);
    expect((await refreshes()).filter((call) => call.status !== 200)).toEqual([]);
    const status = await fixture.status(connection);
    expect(status).toMatchObject({ status: 'active', lastError: null });
    await fixture.waitForSnapshotMatch(connection);
  });

  it('never lets a token it was issued into a log line or the workflow history', async () => {
    expect(fixture.issuedTokens.size).toBeGreaterThan(0);
    const histories: string[] = [];
    for await (const execution of fixture.temporal.client.workflow.list({ query: `TaskQueue='${fixture.temporal.taskQueue}'` })) {
      histories.push(JSON.stringify(await fixture.temporal.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory()));
    }
    expect(histories.length).toBeGreaterThan(0);
    const haystack = fixture.logLines.join('\n') + histories.join('\n');
    for (const token of fixture.issuedTokens) expect(haystack.includes(token)).toBe(false);
  });
});

describe('a connection in a storm of transient faults', () => {
  let fixture: SyncFixture;
  beforeAll(async () => {
    fixture = await startSyncFixture({ api: { requestTimeoutMs: 1_500, throttleWaitMs: 500 }, workflow: { syncIntervalMs: 500, pageSize: 50 } });
  });
  afterAll(async () => fixture?.close());

  it('rides out a storm of 5xx, 429s and timeouts with its status active and its data exact', { timeout: 120_000 }, async () => {
    const connection = await fixture.connect({ company: { seed: 32, customers: 30, items: 10, invoices: 200, salesReceipts: 40, payments: 40 } });
    await fixture.simulator.control.setFaults({
      seed: 7,
      rules: [
        { kind: '500', rate: 0.06 },
        { kind: '503', rate: 0.05 },
        { kind: '429', rate: 0.04 },
        { kind: 'timeout', rate: 0.03, hangMs: 3_000 },
        { kind: 'reset', rate: 0.02 },
      ],
    });
    try {
      for (let round = 0; round < 3; round++) {
        await fixture.simulator.control.applyChanges(connection.realmId, { create: { Invoice: 3 }, update: { Invoice: 2, Customer: 1 }, delete: { Payment: 1 } });
        await new Promise((resolve) => setTimeout(resolve, 700));
      }
      await fixture.waitForSnapshotMatch(connection, 100_000);
    } finally {
      await fixture.simulator.control.clearFaults();
    }
    const faults = (await fixture.simulator.control.requests({ realmId: connection.realmId })).data.filter((call) => call.status >= 429 || call.status === 0);
    expect(faults.length).toBeGreaterThan(3);
    expect(await fixture.status(connection)).toMatchObject({ status: 'active' });
    expect(await fixture.db.db.select().from(notifications).where(eq(notifications.connectionId, connection.connectionId))).toEqual([]);
  });
});

describe('a worker killed in the middle of a page', () => {
  let fixture: SyncFixture;
  beforeAll(async () => {
    fixture = await startSyncFixture({ inProcessWorker: false, workflow: { pageSize: 25 } });
  });
  afterAll(async () => fixture?.close());

  it('is replaced by another that continues without losing or doubling a record', { timeout: 180_000 }, async () => {
    const first = fixture.spawnWorker('worker1');
    try {
      const connection = await fixture.connect({ company: { seed: 41, customers: 10, items: 5, invoices: 300 } });
      await fixture.simulator.control.setFaults({ rules: [{ kind: 'latency', rate: 1, latencyMs: 250 }] });
      // Every segment's pages: a big entity is paged in time segments side by side.
      const invoicePages = async () => {
        const { pass } = (await fixture.status(connection)).checkpoint as SyncCheckpoint;
        return pass ? entityCursors(pass, 'Invoice').reduce((sum, cursor) => sum + cursor.pages, 0) : 0;
      };
      await expect.poll(invoicePages, { timeout: 60_000, interval: 100 }).toBeGreaterThanOrEqual(3);
      expect(await first.stop('SIGKILL')).toBe('SIGKILL');
      await fixture.simulator.control.clearFaults();

      const second = fixture.spawnWorker('worker2');
      try {
        const comparison = await fixture.waitForSnapshotMatch(connection, 120_000).catch((error: unknown) => {
          throw new Error(`${String(error)}\nworker output:\n${first.output()}\n---\n${second.output()}`);
        });
        expect(comparison).toMatchObject({ lost: 0, duplicated: 0, mismatched: 0 });
        expect(await fixture.status(connection)).toMatchObject({ status: 'active' });
      } finally {
        await second.stop('SIGTERM');
      }
    } finally {
      await first.stop('SIGKILL');
    }
  });
});
