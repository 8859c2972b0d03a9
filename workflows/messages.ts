/**
 * The connection workflow's messages: the signals the API and operators send and the query they read.
 * Shared by the workflow, the API, the ops commands and the tests (names are part of the contract).
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ConnectionStatus, QuickBooksEntity, SyncPhase } from '../shared/contract.js';

/** Fresh tokens from the OAuth callback, sealed (AES-256-GCM): starts the workflow or resumes it. */
export interface TokensIssuedSignal {
  realmId: string;
  sealedTokens: string;
}
export interface SyncNowSignal {
  reason: string;
}
/** Re-pull everything changed since `since` (ISO-8601), for all entities or the named ones. */
export interface ResyncSignal {
  since: string;
  entities?: QuickBooksEntity[];
}

export const tokensIssuedSignal = defineSignal<[TokensIssuedSignal]>('tokensIssued');
export const syncNowSignal = defineSignal<[SyncNowSignal]>('syncNow');
export const resyncSignal = defineSignal<[ResyncSignal]>('resync');
export const disconnectSignal = defineSignal<[Record<string, never>?]>('disconnect');

export interface ConnectionErrorView {
  type: string;
  message: string;
  intuitTid?: string | undefined;
  at: string;
}

export interface ConnectionStatusView {
  status: ConnectionStatus;
  phase: SyncPhase;
  realmId: string | null;
  checkpoint: unknown;
  lastSyncedAt: string | null;
  lastError: ConnectionErrorView | null;
  waitingSince: string | null;
  recordsSynced: number;
}

export const statusQuery = defineQuery<ConnectionStatusView>('status');
