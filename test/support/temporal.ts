/** Connections to the run's shared Temporal dev server, with a task queue of the file's own. */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';

export interface TestTemporal {
  address: string;
  namespace: string;
  /** The client connection (what `npm run api` hands `buildAppDeps`). */
  connection: Connection;
  client: Client;
  nativeConnection: NativeConnection;
  /** Unique per call, so workers of different files never take each other's tasks. */
  taskQueue: string;
  /** The workflow bundle built once per run by the global setup. */
  workflowBundle: { codePath: string };
  close(): Promise<void>;
}

export async function connectTestTemporal(): Promise<TestTemporal> {
  const address = inject('temporalAddress');
  const namespace = inject('temporalNamespace');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    namespace,
    connection,
    client: new Client({ connection, namespace }),
    nativeConnection,
    taskQueue: `test-${randomUUID()}`,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}
