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
