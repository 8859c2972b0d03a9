/**
 * How every process connects to Temporal: plain gRPC to a self-hosted cluster or the dev server, TLS
 * with an API key or an mTLS client certificate for Temporal Cloud. The same options suit the client's
 * `Connection.connect` and the worker's `NativeConnection.connect`.
 */
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { TemporalConfig } from './config.js';

export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

export function temporalConnectionOptions(temporal: Pick<TemporalConfig, 'address' | 'apiKey' | 'tlsClientCert'>): TemporalConnectionOptions {
  if (temporal.address === undefined) throw new Error('TEMPORAL_ADDRESS is not set');
  const options: TemporalConnectionOptions = { address: temporal.address };
  if (temporal.tlsClientCert) {
    options.tls = {
      clientCertPair: { crt: readFileSync(temporal.tlsClientCert.certPath), key: readFileSync(temporal.tlsClientCert.keyPath) },
    };
  }
  if (temporal.apiKey !== undefined) {
    options.apiKey = temporal.apiKey;
    // An API key travels only over TLS (the server's certificate checked against the system's roots).
    options.tls ??= {};
  }
  return options;
}

/**
 * Connects, retrying with capped backoff while Temporal is unreachable (a server restarting, a
 * deployment starting every service at once) instead of exiting on the first refusal. Gives up after
 * `giveUpAfterMs` so that a wrong address still fails the process visibly.
 */
export async function connectWithRetry<T>(
  connect: () => Promise<T>,
  options: { address: string; logger: { warn: (details: object, message: string) => void }; giveUpAfterMs?: number; sleep?: (ms: number) => Promise<void> },
): Promise<T> {
  const giveUpAt = Date.now() + (options.giveUpAfterMs ?? 5 * 60_000);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect();
    } catch (error) {
      const delayMs = Math.min(10_000, 250 * 2 ** (attempt - 1));
      if (Date.now() + delayMs > giveUpAt) throw error;
      options.logger.warn({ address: options.address, attempt, retryInMs: delayMs, err: (error as Error).message }, 'Temporal is unreachable; retrying');
      await sleep(delayMs);
    }
  }
}
