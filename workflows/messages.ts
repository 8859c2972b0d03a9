/**
 * The connection workflow's messages, by the names in the contract: what the API, the dashboard,
 * operators and tests send to it and read from it. Their payload types live in shared/workflow-payloads.ts.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ConnectionStatusView, ResyncSignal, SyncNowSignal, TokensIssuedSignal } from '../shared/workflow-payloads.js';

/** Fresh sealed tokens from the OAuth callback: starts the workflow (signal-with-start) or resumes it. */
export const tokensIssuedSignal = defineSignal<[TokensIssuedSignal]>('tokensIssued');
/** Pull changes now instead of at the next interval. */
export const syncNowSignal = defineSignal<[SyncNowSignal]>('syncNow');
/** Re-pull everything QuickBooks changed since an instant (then reconcile deletions). */
export const resyncSignal = defineSignal<[ResyncSignal]>('resync');
/** The merchant removed the integration: revoke at Intuit and complete. */
export const disconnectSignal = defineSignal<[Record<string, never>?]>('disconnect');

export const statusQuery = defineQuery<ConnectionStatusView>('status');
