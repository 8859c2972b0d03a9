/**
 * The rollout rehearsal's proof (docs/rollout.md): every run of the connection workflow the topology
 * run recorded — started on the old build (no patch marker) or on the new one (the `rollout-rehearsal`
 * marker) — is saved as history JSON (`npm run replay -- <folder>` replays it again) and replayed through
 * `replayHistories`, what `npm run replay` runs, against the bundles the workers served: the old workflow
 * code (workflows/index.ts) and the new build (harness/topology/rollout-workflows.ts).
 * Required: runs of both kinds exist; the old-build runs replay on both builds (what `patched()` is for);
 * the new-build runs replay on the new build. The new-build runs do NOT replay on the old code — Temporal
 * refuses a patch marker the code does not know — which is why an old worker handed such a run during the
 * roll fails that workflow task (retried, never the workflow) until a new worker takes it: counted here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { History } from '../../replay/history-json.js';
import { historyToJson } from '../../replay/history-json.js';
import { replayHistories, type HistorySource, type ReplayResult } from '../../replay/replay.js';
import type { Stack } from '../stack.js';
import { ROLLOUT_REHEARSAL_PATCH } from './rollout-workflows.js';

export interface RolloutReplay {
  /** Runs whose history carries the rehearsal's patch marker (started on the new build), and runs without it. */
  newBuildRuns: number;
  oldBuildRuns: number;
  /** Deterministic replays / histories, against each build. */
  againstOldCode: string;
  againstNewCode: string;
  /** Workflow tasks that failed with a non-determinism error in the recorded histories (an old worker given a new-build run). */
  nondeterministicTasks: number;
  summary: string;
  problems: string[];
  folder: string;
}

export async function replayBothBuilds(stack: Stack, folder: string, builds: { old: { code: string }; new: { code: string } }): Promise<RolloutReplay> {
  mkdirSync(folder, { recursive: true });
  let newBuildRuns = 0;
  let oldBuildRuns = 0;
  let nondeterministicTasks = 0;
  const sources: HistorySource[] = [];
  for await (const execution of stack.client.workflow.list({ query: "WorkflowType='quickBooksConnectionWorkflow'" })) {
    const history = await stack.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    const onNewBuild = carriesPatchMarker(history, ROLLOUT_REHEARSAL_PATCH);
    nondeterministicTasks += (history.events ?? []).filter((event) => /TMPRL1100|[Nn]ondeterminism/.test(event.workflowTaskFailedEventAttributes?.failure?.message ?? '')).length;
    if (onNewBuild) newBuildRuns += 1;
    else oldBuildRuns += 1;
    const file = join(folder, `${onNewBuild ? 'new' : 'old'}-build-${execution.workflowId}-${execution.runId}.json`);
    writeFileSync(file, historyToJson(history));
    sources.push({ label: file, workflowId: execution.workflowId, history });
  }
  const againstOld = { results: await replayHistories(sources, { workflowBundle: builds.old }) };
  const againstNew = { results: await replayHistories(sources, { workflowBundle: builds.new }) };
  const isNewBuild = (label: string) => basename(label).startsWith('new-build-');
  const oldOnOld = againstOld.results.filter((result) => !isNewBuild(result.label));
  const newOnOld = againstOld.results.filter((result) => isNewBuild(result.label));
  const problems = [
    ...(newBuildRuns === 0 ? ['no recorded run started on the new build'] : []),
    ...(oldBuildRuns === 0 ? ['no recorded run started on the old build'] : []),
    ...failures(oldOnOld, 'an old-build run does not replay on the old code'),
    ...failures(againstNew.results, 'a run does not replay on the new build'),
    // The rehearsal must be a real change: the old code has to refuse what the new build recorded.
    ...(newOnOld.some((result) => result.verdict === 'deterministic') ? ['a new-build run replays on the old code: the rehearsal changed nothing'] : []),
  ];
  return {
    newBuildRuns,
    oldBuildRuns,
    againstOldCode: tally(againstOld.results),
    againstNewCode: tally(againstNew.results),
    nondeterministicTasks,
    summary:
      `${oldBuildRuns} old-build and ${newBuildRuns} new-build runs; deterministic on the new build ${tally(againstNew.results)}, ` +
      `old-build runs on the old code ${tally(oldOnOld)}, new-build runs on the old code ${tally(newOnOld)} (refused, as expected); ` +
      `${nondeterministicTasks} workflow task(s) refused by an old worker during the roll`,
    problems,
    folder,
  };
}

function carriesPatchMarker(history: History, patchId: string): boolean {
  return (history.events ?? []).some((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (!marker?.details) return false;
    return Object.values(marker.details).some((payloads) => (payloads.payloads ?? []).some((payload) => payload.data && Buffer.from(payload.data).toString('utf8').includes(patchId)));
  });
}

type ReplayVerdict = Pick<ReplayResult, 'label' | 'verdict' | 'error'>;

const tally = (results: ReplayVerdict[]) => `${results.filter((result) => result.verdict === 'deterministic').length}/${results.length}`;
const failures = (results: ReplayVerdict[], what: string) =>
  results.filter((result) => result.verdict !== 'deterministic').map((result) => `${what}: ${basename(result.label)} ${result.verdict} (${result.error?.slice(0, 300)})`);
