/**
 * Stand-ins for every activity of the connection workflow, for quick tests of the workflow's own logic
 * on the time-skipping server: each one records its call and answers like a healthy company whose
 * every entity fits in two pages, unless a test overrides it.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../../activities/index.js';
import { FailureType } from '../../../shared/failure-types.js';
import type { TokenTimes } from '../../../shared/workflow-payloads.js';

export interface ActivityCall {
  name: keyof Activities;
  input: unknown;
}

const FAR_FUTURE = '2099-01-01T00:00:00.000Z';
export const HEALTHY_TOKENS: TokenTimes = { accessTokenExpiresAt: FAR_FUTURE, refreshTokenExpiresAt: FAR_FUTURE, refreshTokenHardExpiresAt: null };

/** What QuickBooks says when the merchant disconnected the app: the grant is gone. */
export function grantRevoked(): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.GrantInvalid, message: 'invalid_grant', nonRetryable: true });
}

/** QuickBooks' 403 AuthorizationFailed: the grant no longer reaches the company. */
export function accessForbidden(): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.AccessForbidden, message: 'AuthorizationFailed (3100)', nonRetryable: true, details: [{ intuitTid: '1-forbidden', status: 403, errorCode: '3100' }] });
}

/** A 500 from QuickBooks: worth retrying. */
export function quickBooksDown(): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.Transient, message: 'QuickBooks answered HTTP 500', details: [{ intuitTid: '1-stub', status: 500, errorCode: null }] });
}

export function stubActivities(overrides: Partial<Activities> = {}): { activities: Activities; calls: ActivityCall[]; named: (name: keyof Activities) => ActivityCall[] } {
  const calls: ActivityCall[] = [];
  const healthy: Activities = {
    loadCheckpoint: async () => ({ checkpoint: null, realmId: null }),
    acceptTokens: async () => HEALTHY_TOKENS,
    refreshAccessToken: async () => HEALTHY_TOKENS,
    disconnectConnection: async () => ({ revoked: true }),
    pullEntityPage: async ({ checkpoint, entity }) => {
      const cursor = checkpoint.pass!.entities[entity]!;
      const pages = cursor.pages + 1;
      return {
        cursor: { ...cursor, pages, done: pages >= 2, watermark: new Date(Date.UTC(2026, 0, pages)).toISOString() },
        counts: { upserted: 10, deleted: 0, skipped: 0 },
        fetched: 10,
        serverTime: new Date().toISOString(),
        intuitTid: null,
      };
    },
    pullChanges: async ({ changedSince }) => ({ nextChangedSince: changedSince, counts: {}, fetched: 0, qboRequests: 1, overflowEntities: [], intuitTid: null }),
    reconcileDeletions: async () => ({ upserted: 0, deleted: 0, skipped: 0, qboRequests: 1 }),
    markNeedsReauthorization: async () => ({ notificationId: 'notice-1', created: true }),
    recordProgress: async () => {},
    beginSyncRun: async () => {},
    endSyncRun: async () => {},
    notifyMerchant: async () => ({ notificationId: 'notice-2', created: true }),
    deliverNotificationWebhook: async () => 'no_webhook' as const,
    deliverNoticeEmail: async () => 'sent' as const,
    recordNoticeEmailFailed: async () => 'failed' as const,
  };
  const activities = Object.fromEntries(
    Object.entries({ ...healthy, ...overrides })
      .filter(([, implementation]) => typeof implementation === 'function')
      .map(([name, implementation]) => [
        name,
        async (input: unknown) => {
          calls.push({ name: name as keyof Activities, input });
          return (implementation as (input: unknown) => Promise<unknown>)(input);
        },
      ]),
  ) as unknown as Activities;
  return { activities, calls, named: (name) => calls.filter((call) => call.name === name) };
}
