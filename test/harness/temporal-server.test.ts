import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionStatusKey } from '../../shared/search-attributes.js';
import { connectTestTemporal, type TestTemporal } from '../support/temporal.js';
import { finish, trivialWorkflow } from '../support/workflows/trivial.js';

describe('the shared Temporal dev server', () => {
  let temporal: TestTemporal;
  beforeAll(async () => {
    temporal = await connectTestTemporal();
  });
  afterAll(async () => temporal?.close());

  it('runs a workflow that an operator can find by its QuickBooksConnectionStatus search attribute', async () => {
    // A bare worker of a trivial workflow, not startStack's: this tests the run's Temporal server itself.
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      workflowsPath: fileURLToPath(new URL('../support/workflows/trivial.ts', import.meta.url)),
    });
    const marker = `harness-${randomUUID()}`;
    await worker.runUntil(async () => {
      const handle = await temporal.client.workflow.start(trivialWorkflow, {
        taskQueue: temporal.taskQueue,
        workflowId: `trivial-${randomUUID()}`,
        args: [marker],
      });
      // Visibility is eventually consistent: poll until the listing sees the upserted attribute.
      await expect.poll(async () => {
        const ids: string[] = [];
        for await (const info of temporal.client.workflow.list({ query: `QuickBooksConnectionStatus='${marker}'` })) ids.push(info.workflowId);
        return ids;
      }, { timeout: 15_000, interval: 200 }).toEqual([handle.workflowId]);

      const description = await handle.describe();
      expect(description.typedSearchAttributes.get(connectionStatusKey)).toBe(marker);
      await handle.signal(finish);
      expect(await handle.result()).toBe(marker);
    });
  });

  it('registered every search attribute of the contract', async () => {
    const response = await temporal.client.connection.operatorService.listSearchAttributes({ namespace: temporal.namespace });
    expect(Object.keys(response.customAttributes ?? {})).toEqual(
      expect.arrayContaining(['QuickBooksConnectionStatus', 'QuickBooksRealmId', 'MerchantId', 'NeedsReauthorizationSince']),
    );
  });
});
