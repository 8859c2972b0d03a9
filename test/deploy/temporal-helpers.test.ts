/**
 * The compose stack's Temporal helpers, run for real against the test run's Temporal server:
 * deploy/temporal/setup-namespace.sh (the `temporal-namespace` one-shot) with the arguments that
 * docker-compose.yml gives it, and the worker health check (deploy/worker-healthcheck.ts).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unhealthyReason } from '../../deploy/worker-healthcheck.js';
import { requireTemporalBinaries } from '../../local/temporal-binaries.js';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../../shared/search-attributes.js';
import { connectTestTemporal, type TestTemporal } from '../support/temporal.js';
import { asList, loadCompose, requiredEnv, ROOT } from './compose-file.js';

const run = promisify(execFile);
const SCRIPT = join(ROOT, 'deploy', 'temporal', 'setup-namespace.sh');

let temporal: TestTemporal;
beforeAll(async () => {
  temporal = await connectTestTemporal();
});
afterAll(async () => temporal?.close());

describe('deploy/temporal/setup-namespace.sh', () => {
  const composeArgs = asList(loadCompose(requiredEnv()).services['temporal-namespace']?.command);

  async function setup(namespace: string, args: string[]) {
    return run('sh', [SCRIPT, ...args], {
      env: {
        PATH: process.env.PATH,
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_NAMESPACE: namespace,
        TEMPORAL_CLI: requireTemporalBinaries().cli,
        SETUP_MAX_ATTEMPTS: '40',
        SETUP_RETRY_SECONDS: '0.5',
      },
      timeout: 50_000,
    });
  }

  async function customAttributes(namespace: string): Promise<Record<string, number>> {
    const response = await temporal.client.connection.operatorService.listSearchAttributes({ namespace });
    return Object.fromEntries(Object.entries(response.customAttributes ?? {}).map(([name, type]) => [name, Number(type)]));
  }

  it('creates the namespace and registers the contract’s search attributes, and a second run changes nothing', async () => {
    expect(composeArgs.length).toBeGreaterThan(0);
    const namespace = `compose-${randomUUID()}`;
    const first = await setup(namespace, composeArgs);
    expect(first.stdout).toContain('done');

    // temporal.api.enums.v1.IndexedValueType: KEYWORD = 2, DATETIME = 6.
    const typeCodes: Record<string, number> = { Keyword: 2, Datetime: 6 };
    const expected = Object.fromEntries(Object.entries(SEARCH_ATTRIBUTE_CLI_TYPES).map(([name, type]) => [name, typeCodes[type]]));
    expect(await customAttributes(namespace)).toMatchObject(expected);

    const second = await setup(namespace, composeArgs);
    expect(second.stdout).toContain('done');
    expect(await customAttributes(namespace)).toMatchObject(expected);
  });

  it('fails, naming the attribute, when it exists with another type', async () => {
    const namespace = `compose-${randomUUID()}`;
    await setup(namespace, ['QuickBooksRealmId=Keyword']);
    const failure = await setup(namespace, ['QuickBooksRealmId=Int']).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(3);
    expect(failure?.stderr).toContain('QuickBooksRealmId');
  });

  it('rejects arguments that are not Name=Type', async () => {
    const failure = await setup('default', ['QuickBooksRealmId']).then(() => undefined, (error: { code?: number }) => error);
    expect(failure?.code).toBe(2);
  });
});

describe('deploy/worker-healthcheck.ts', () => {
  it('is unhealthy until a worker on this host polls the task queue, then healthy; other hosts do not count', async () => {
    const check = { connection: temporal.client.connection, namespace: temporal.namespace, taskQueue: temporal.taskQueue, host: hostname() };
    expect(await unhealthyReason(check)).toMatch(/no poller/);

    // A bare poller of a trivial workflow, not startStack's: the health check only asks whether this host polls.
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      workflowsPath: fileURLToPath(new URL('../support/workflows/trivial.ts', import.meta.url)),
    });
    await worker.runUntil(async () => {
      await expect.poll(() => unhealthyReason(check), { timeout: 20_000, interval: 250 }).toBeUndefined();
      expect(await unhealthyReason({ ...check, host: 'some-other-container' })).toMatch(/no poller from host some-other-container/);
      expect(await unhealthyReason({ ...check, now: Date.now() + 10 * 60_000 })).toMatch(/last poll/);
    });
  });
});
