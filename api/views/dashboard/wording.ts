/**
 * The dashboard's words for the contract's vocabulary: status badges, phases, entity names and the
 * messages shown after an action. Messages are chosen by code from these tables only, so a crafted
 * link can never make the dashboard display text of its choosing.
 */
import type { ConnectionStatus, QuickBooksEntity, SyncPhase } from '../../../shared/contract.js';

export interface Badge {
  label: string;
  /** Decorative: the label alone must say everything (screen readers skip the icon). */
  icon: string;
}

export const STATUS_BADGES: Record<ConnectionStatus, Badge> = {
  active: { label: 'Syncing', icon: '✓' },
  needs_reauthorization: { label: 'Needs attention', icon: '⚠' },
  disconnected: { label: 'Disconnected', icon: '✕' },
  pending_authorization: { label: 'Waiting for authorization', icon: '…' },
};

export const PHASE_TEXT: Record<SyncPhase, string> = {
  backfilling: 'Copying your QuickBooks history',
  incremental: 'Pulling the latest changes',
  idle: 'Up to date; checks again on schedule and on every QuickBooks change',
  waiting_for_reauthorization: 'Paused at its checkpoint until you re-authorize',
};

export const ENTITY_LABELS: Record<QuickBooksEntity, string> = {
  Customer: 'Customers',
  Item: 'Items',
  Invoice: 'Invoices',
  SalesReceipt: 'Sales receipts',
  CreditMemo: 'Credit memos',
  RefundReceipt: 'Refund receipts',
  Payment: 'Payments',
};

export type FlashTone = 'success' | 'info' | 'error';

export interface Flash {
  tone: FlashTone;
  text: string;
}

/** `?result=` values: from the OAuth callback, Intuit's Reconnect URL and the dashboard's own actions. */
const RESULTS: Record<string, Flash> = {
  connected: { tone: 'success', text: 'QuickBooks is connected. The first sync has started; records appear below as they arrive.' },
  reauthorized: { tone: 'success', text: 'QuickBooks is re-authorized. Syncing resumes where it stopped.' },
  access_denied: { tone: 'info', text: 'You cancelled on the QuickBooks page, so nothing changed.' },
  authorization_failed: { tone: 'error', text: 'QuickBooks did not authorize the connection. Please try again.' },
  already_completed: { tone: 'info', text: 'That authorization was already completed; the connection is shown as it is now.' },
  nothing_to_reconnect: { tone: 'info', text: 'No connection is waiting for re-authorization.' },
  sync_requested: { tone: 'success', text: 'Sync requested: the connection is pulling the latest changes now.' },
  disconnect_requested: { tone: 'success', text: 'Disconnecting: QuickBooks access is being revoked and syncing stops.' },
  disconnected: { tone: 'success', text: 'The connection is disconnected.' },
  already_disconnected: { tone: 'info', text: 'That connection was already disconnected.' },
  signed_out: { tone: 'info', text: 'You are signed out.' },
  notice_emails_saved: { tone: 'success', text: 'Saved: notice emails go where this page says.' },
  api_key_revoked: { tone: 'success', text: 'The API key is revoked: every request made with it is refused from now on.' },
  api_key_revoked_signed_out: { tone: 'info', text: 'You are signed out: the API key you signed in with is revoked. Sign in with another key.' },
};

/** `?error=` values: the API's error codes an action can end with. */
const ERRORS: Record<string, string> = {
  connection_not_found: 'That connection does not exist (or belongs to another account).',
  connection_disconnected: 'That connection was disconnected. Connect QuickBooks again to start a new one.',
  connection_not_authorized: 'That connection is not authorized yet. Finish connecting QuickBooks first.',
  connection_needs_reauthorization: 'QuickBooks revoked access for that connection. Re-authorize it first.',
  workflow_not_running: 'That connection is not syncing right now. Re-authorize it to restart.',
  temporal_unavailable: 'The sync engine is not reachable right now. Please try again in a moment.',
  quickbooks_unavailable: 'QuickBooks is not answering right now. Please try again in a minute.',
  session_expired: 'Your session has ended. Please sign in again.',
  invalid_api_key: 'That API key is not valid.',
  // Refused OAuth callbacks: nothing was changed in any of these cases.
  state_missing: 'QuickBooks sent us back without the authorization link we gave it. Start connecting again from here.',
  state_invalid: 'That authorization link is unknown or was altered. Start connecting again from here.',
  state_expired: 'The authorization took longer than 10 minutes. Start it again from here.',
  state_consumed: 'That authorization link was already used. Start it again from here if needed.',
  state_not_for_this_session: 'That authorization was started by another account than the one signed in here.',
  callback_incomplete: 'QuickBooks sent us back without a complete answer. Start connecting again from here.',
  code_already_used: 'That QuickBooks authorization was already used. Start connecting again from here if needed.',
  authorization_code_rejected: 'QuickBooks refused the authorization (it expired or was already used). Start connecting again.',
  realm_mismatch: 'You chose a different QuickBooks company than the one this connection syncs; nothing was changed. Re-authorize with the same company.',
  realm_already_connected: 'That QuickBooks company is already connected here; nothing was changed.',
  realm_not_authorized:
    'QuickBooks did not give access to the company named when you came back, so nothing was connected and we withdrew that authorization. Connect again and choose the company on the QuickBooks page.',
  invalid_email: 'That is not an email address we can send to (for example owner@example.com); nothing was changed.',
  // API keys.
  api_key_not_found: 'That API key does not exist (or belongs to another account).',
  last_active_api_key: 'That is your only active API key, so it stays: create another key first, then revoke this one.',
  too_many_api_keys: 'An account can have at most 10 active API keys. Revoke one you no longer use first.',
};

const FALLBACK_ERROR = 'Something went wrong. Please try again.';

export function flashFor(query: { result?: string | undefined; error?: string | undefined }): Flash | undefined {
  if (query.error) return { tone: 'error', text: ERRORS[query.error] ?? FALLBACK_ERROR };
  if (query.result) return RESULTS[query.result];
  return undefined;
}

export function isKnownError(code: string): boolean {
  return code in ERRORS;
}
