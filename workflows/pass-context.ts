/** What paging a query pass needs from the workflow (query-pass.ts and segment-lanes.ts share it). */
import type { Authorization } from './authorization.js';
import type { CarriedState } from './state.js';
import type { SyncRunAudit } from './sync-run-audit.js';

export interface QueryPassContext {
  connectionId: string;
  state: CarriedState;
  pageSize: number | undefined;
  authorization: Authorization;
  audit: SyncRunAudit;
  /** True when the pass should stop between pages (a message arrived, or history is long). */
  shouldYield(): boolean;
}
