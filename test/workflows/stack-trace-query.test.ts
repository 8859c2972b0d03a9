/**
 * The Web UI's *Stack Trace* tab (the `__stack_trace` query) is an opt-in of the worker
 * (WORKER_WORKFLOW_STACK_TRACES=on): the SDK's promise hook behind it costs about half of a replay's CPU
 * (patches/README.md, `npm run bench -- --only replay`). Off, the query says so instead of answering.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WORKFLOW_TYPE, workflowIdForConnection } from '../../shared/contract.js';
import type { ConnectionWorkflowInput } from '../../shared/workflow-payloads.js';
import { statusQuery, tokensIssuedSignal } from '../../workflows/messages.js';
import { startTimeSkippingEnvironment } from '../support/time-skipping.js';
import { stubActivities } from './support/stub-activities.js';

describe('the stack trace query', { timeout: 120_000 }, () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTimeSkippingEnvironment();
  });
  afterAll(async () => env?.teardown());

  /** A connection idle between cycles on a worker started with WORKER_WORKFLOW_STACK_TRACES as given, and its answer to `__stack_trace`. */
  async function stackTraceOf(setting: 'on' | undefined): Promise<string> {
    const taskQueue = `stack-${randomUUID()}`;
    const previous = process.env.WORKER_WORKFLOW_STACK_TRACES;
    // The workflow thread the worker spawns reads the variable once, when it starts.
    if (setting) process.env.WORKER_WORKFLOW_STACK_TRACES = setting;
    else delete process.env.WORKER_WORKFLOW_STACK_TRACES;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') }, activities: stubActivities().activities });
    if (previous === undefined) delete process.env.WORKER_WORKFLOW_STACK_TRACES;
    else process.env.WORKER_WORKFLOW_STACK_TRACES = previous;
    const connectionId = randomUUID();
    const workflowId = workflowIdForConnection(connectionId);
    const input: ConnectionWorkflowInput = { connectionId, merchantId: randomUUID(), syncIntervalMs: 15 * 60_000 };
    return worker.runUntil(async () => {
      const handle = await env.client.workflow.signalWithStart(WORKFLOW_TYPE, { workflowId, taskQueue, args: [input], signal: tokensIssuedSignal, signalArgs: [{ realmId: 'realm-1', sealedTokens: 'sealed' }] });
      await expect.poll(async () => (await handle.query(statusQuery)).phase, { timeout: 45_000, interval: 100 }).toBe('idle');
      try {
        return await handle.query<string>('__stack_trace');
      } catch (error) {
        const cause = (error as Error).cause as Error | undefined;
        return `query failed: ${(error as Error).message}: ${cause?.message ?? ''}`;
      } finally {
        await handle.terminate('test over');
      }
    });
  }

  it('answers with where the workflow waits when the worker turned it on', async () => {
    expect(await stackTraceOf('on')).toMatch(/connection-workflow/);
  });

  it('says stack traces are off on a worker with the default', async () => {
    expect(await stackTraceOf(undefined)).toMatch(/query failed: .*stack traces are not enabled/i);
  });
});
