/** How a replay is reported: its exit statuses, one result as text, and the workflow code replayed by default. */
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../shared/paths.js';
import type { ReplayResult } from './replay.js';

export const REPLAY_EXIT = {
  /** Every history replayed deterministically. */
  deterministic: 0,
  /** At least one history diverged (non-determinism) or failed a workflow task during replay. */
  diverged: 1,
  /** Bad arguments, or an input that is not a readable history (missing file, not JSON, unknown workflow). */
  unreadable: 2,
  /** The tool could not do its work: Temporal unreachable, workflow code that does not bundle. */
  unavailable: 3,
} as const;

export const DEFAULT_WORKFLOWS_PATH = resolve(PROJECT_ROOT, 'workflows', 'index.ts');

export function formatResult(result: ReplayResult): string {
  const { summary } = result;
  const head = `${result.label}  (${summary.workflowType}, ${summary.events} events, last ${summary.lastEventType})`;
  if (result.verdict === 'deterministic') return `✓ deterministic  ${head}`;
  const lines = [`✗ ${result.verdict === 'nondeterministic' ? 'NON-DETERMINISTIC' : 'REPLAY FAILED'}  ${head}`];
  const divergence = result.divergence;
  if (divergence?.eventId !== undefined) {
    lines.push(`    diverges at event ${divergence.eventId} (${divergence.eventType}${divergence.eventDetail ? `: ${divergence.eventDetail}` : ''})`);
  }
  if (divergence?.workflowTaskCompletedEventId !== undefined) lines.push(`    in the workflow task completed at event ${divergence.workflowTaskCompletedEventId}`);
  lines.push(`    ${divergence?.reason ?? result.error}`);
  return lines.join('\n');
}
