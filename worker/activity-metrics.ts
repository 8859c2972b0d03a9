/**
 * Counts every failed activity attempt by activity and failure type (`quickbooks_sync_failures_total`),
 * as a worker interceptor, so no activity has to remember to. Local activities pass through it too.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { failureTypeOf } from '../activities/failures.js';
import type { SyncMetrics } from '../shared/metrics.js';

export function activityFailureMetrics(metrics: SyncMetrics): ActivityInterceptorsFactory {
  return (context) => ({
    inbound: {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (error) {
          metrics.failures.inc({ activity: context.info.activityType, type: failureTypeOf(error) });
          throw error;
        }
      },
    },
  });
}
