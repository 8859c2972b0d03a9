/**
 * The product's external vocabulary (see docs/contract.md): statuses, phases, entity names and Temporal
 * names. Pure constants and types only, so that workflow code may import this module too.
 */

export const CONNECTION_STATUSES = ['pending_authorization', 'active', 'needs_reauthorization', 'disconnected'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export const SYNC_PHASES = ['backfilling', 'incremental', 'idle', 'waiting_for_reauthorization'] as const;
export type SyncPhase = (typeof SYNC_PHASES)[number];

/**
 * The QuickBooks entities we sync, named as QuickBooks names them. Name-list entities come first so
 * that transactions referring to a customer or an item find it already stored.
 */
export const QUICKBOOKS_ENTITIES = ['Customer', 'Item', 'Invoice', 'SalesReceipt', 'CreditMemo', 'RefundReceipt', 'Payment'] as const;
export type QuickBooksEntity = (typeof QUICKBOOKS_ENTITIES)[number];

/** Name-list entities are never deleted in QuickBooks, only deactivated (`Active: false`). */
export const NAME_LIST_ENTITIES: readonly QuickBooksEntity[] = ['Customer', 'Item'];

export function isQuickBooksEntity(value: string): value is QuickBooksEntity {
  return (QUICKBOOKS_ENTITIES as readonly string[]).includes(value);
}

export const DEFAULT_TASK_QUEUE = 'quickbooks-sync';
export const WORKFLOW_TYPE = 'quickBooksConnectionWorkflow';

export function workflowIdForConnection(connectionId: string): string {
  return `quickbooks-connection-${connectionId}`;
}

export const NOTIFICATION_KINDS = ['needs_reauthorization', 'reauthorization_reminder', 'refresh_token_expiring', 'reauthorized'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** A notice's email as the API shows it (`GET /v1/notifications` → `email.status`). */
export const NOTIFICATION_EMAIL_STATUSES = ['sent', 'pending', 'failed', 'off'] as const;
export type NotificationEmailState = (typeof NOTIFICATION_EMAIL_STATUSES)[number];
