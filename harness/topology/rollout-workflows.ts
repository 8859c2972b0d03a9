/**
 * The "new build" of the rollout rehearsal (harness/chaos/topology-run.ts, docs/rollout.md): the
 * workflows entry of workflows/index.ts with one change behind `patched()`, exactly as a real change to
 * running workflow code ships. A run that starts on this build records the patch marker and says so in
 * its current details; a run that started before it (its history has no marker at that point) replays
 * on this build along the old path. The change adds no command besides the marker, so a run this build
 * started still replays on the old build (Temporal skips a patch marker the code does not ask about):
 * old and new workers can serve the same task queue during the roll.
 */
import { patched, setCurrentDetails } from '@temporalio/workflow';
import type { ConnectionWorkflowInput } from '../../shared/workflow-payloads.js';
import { quickBooksConnectionWorkflow as currentWorkflow } from '../../workflows/connection-workflow.js';

export const ROLLOUT_REHEARSAL_PATCH = 'rollout-rehearsal';

export async function quickBooksConnectionWorkflow(input: ConnectionWorkflowInput): Promise<void> {
  if (patched(ROLLOUT_REHEARSAL_PATCH)) setCurrentDetails('Started on the new build of the rollout rehearsal.');
  await currentWorkflow(input);
}
