/**
 * Replays recorded workflow histories against workflow code and says, for each, whether the code
 * would produce exactly the same commands — and if not, where it diverges. The CLI (`npm run replay`)
 * and the replay tests both go through `replayHistories`.
 */
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { eventIdOf, eventTypeName, summarizeHistory, type History, type HistoryEvent, type HistorySummary } from './history-json.js';

export interface HistorySource {
  /** Where the history came from: a file path, or `workflow <id> run <runId>`. */
  label: string;
  workflowId: string;
  history: History;
}

export type WorkflowCode = { workflowBundle: { code: string } | { codePath: string } };

export type Verdict = 'deterministic' | 'nondeterministic' | 'failed';

export interface Divergence {
  /** The history event the code disagrees with, when it could be told. */
  eventId: number | undefined;
  eventType: string | undefined;
  /** What that event is about: `activity loadCheckpoint`, `signal resync`, `timer 3`… */
  eventDetail: string | undefined;
  /** The `WorkflowTaskCompleted` event of the first workflow task whose replay fails. */
  workflowTaskCompletedEventId: number | undefined;
  /** Temporal's own explanation, e.g. `[TMPRL1100] Nondeterminism error: …`. */
  reason: string;
}

export interface ReplayResult {
  label: string;
  workflowId: string;
  summary: HistorySummary;
  verdict: Verdict;
  /** For `nondeterministic` and `failed`. */
  divergence?: Divergence;
  /** The SDK's error message, whole. */
  error?: string;
}

const noop = () => {};
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };

/** Bundles a workflows entry (workflows/index.ts or another copy) once for every replay of a run. */
export async function bundleWorkflows(workflowsPath: string): Promise<{ code: string }> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
  return { code };
}

function replayOptions(code: WorkflowCode, name: string) {
  return { workflowBundle: code.workflowBundle, replayName: name };
}

/** Replays every source in order, with one replay worker, and locates each divergence. */
export async function replayHistories(sources: readonly HistorySource[], code: WorkflowCode): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  const replay = Worker.runReplayHistories(
    replayOptions(code, 'replay'),
    sources.map((source) => ({ workflowId: source.workflowId, history: source.history })),
  );
  let index = 0;
  for await (const outcome of replay) {
    const source = sources[index++]!;
    const summary = summarizeHistory(source.history);
    if (!outcome.error) {
      results.push({ label: source.label, workflowId: source.workflowId, summary, verdict: 'deterministic' });
      continue;
    }
    const verdict: Verdict = outcome.error.name === 'DeterminismViolationError' ? 'nondeterministic' : 'failed';
    results.push({ label: source.label, workflowId: source.workflowId, summary, verdict, error: outcome.error.message, divergence: undefined });
  }
  for (const [position, result] of results.entries()) {
    if (result.verdict !== 'deterministic') result.divergence = await locateDivergence(sources[position]!, result.error!, code);
  }
  return results;
}

// MARK: where it diverges

/** `[TMPRL1100] Nondeterminism error: …` out of the SDK's wrapping (`Failure { failure: Some(Failure { message: "…"`). */
export function coreReason(message: string): string {
  const quoted = /message: "((?:[^"\\]|\\.)*)"/.exec(message);
  if (quoted) return quoted[1]!.replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  return message.replace(/^.*?Details: /s, '').trim();
}

/** Where a divergence is, from Temporal's message when it names the event, else by replaying ever longer prefixes. */
async function locateDivergence(source: HistorySource, message: string, code: WorkflowCode): Promise<Divergence> {
  const reason = coreReason(message);
  const events = source.history.events ?? [];
  const named = /HistoryEvent\(id: (\d+), (\w+)/.exec(reason);
  const taskBoundaries = workflowTaskBoundaries(events);
  if (named) {
    const eventId = Number(named[1]);
    const event = events.find((candidate) => eventIdOf(candidate) === eventId);
    const completedBefore = taskBoundaries.filter((boundary) => eventIdOf(events[boundary.completedIndex]!) < eventId).at(-1);
    return {
      eventId,
      eventType: named[2],
      eventDetail: event ? describeEvent(event) : undefined,
      workflowTaskCompletedEventId: completedBefore ? eventIdOf(events[completedBefore.completedIndex]!) : undefined,
      reason,
    };
  }
  const task = await firstFailingTask(source, taskBoundaries, code);
  if (!task) return { eventId: undefined, eventType: undefined, eventDetail: undefined, workflowTaskCompletedEventId: undefined, reason };
  const commandEvents = events.slice(task.completedIndex + 1, task.endIndex);
  // "Activity type of scheduled event 'X' does not match …": the task's event of that activity type.
  const scheduledType = /scheduled event '([^']+)'/.exec(reason)?.[1];
  const event =
    (scheduledType && commandEvents.find((candidate) => candidate.activityTaskScheduledEventAttributes?.activityType?.name === scheduledType)) ||
    commandEvents[0] ||
    events[task.completedIndex];
  return {
    eventId: event ? eventIdOf(event) : undefined,
    eventType: event ? eventTypeName(event) : undefined,
    eventDetail: event ? describeEvent(event) : undefined,
    workflowTaskCompletedEventId: eventIdOf(events[task.completedIndex]!),
    reason,
  };
}

interface TaskBoundary {
  /** Index of the task's WorkflowTaskCompleted event. */
  completedIndex: number;
  /** Index of the next WorkflowTaskScheduled (exclusive end of the events this task's commands produced). */
  endIndex: number;
}

function workflowTaskBoundaries(events: readonly HistoryEvent[]): TaskBoundary[] {
  const boundaries: TaskBoundary[] = [];
  events.forEach((event, index) => {
    if (!event.workflowTaskCompletedEventAttributes) return;
    const next = events.findIndex((candidate, at) => at > index && candidate.workflowTaskScheduledEventAttributes);
    boundaries.push({ completedIndex: index, endIndex: next === -1 ? events.length : next });
  });
  return boundaries;
}

/**
 * The first workflow task whose replay fails: a history cut just before a WorkflowTaskScheduled replays
 * every task up to the cut, with its commands held against the events they produced, so the shortest
 * failing cut is found by bisection.
 */
async function firstFailingTask(source: HistorySource, boundaries: readonly TaskBoundary[], code: WorkflowCode): Promise<TaskBoundary | undefined> {
  const events = source.history.events ?? [];
  let low = 0;
  let high = boundaries.length; // the answer is in [low, high); high means "no prefix fails"
  let probe = -1;
  function* prefixes() {
    while (low < high) {
      probe = (low + high) >> 1;
      yield { workflowId: source.workflowId, history: { events: events.slice(0, boundaries[probe]!.endIndex) } };
    }
  }
  for await (const outcome of Worker.runReplayHistories(replayOptions(code, 'replay-bisect'), prefixes())) {
    if (outcome.error) high = probe;
    else low = probe + 1;
  }
  return boundaries[low];
}

function decodePayload(payload: { data?: Uint8Array | null } | null | undefined): unknown {
  if (!payload?.data) return undefined;
  try {
    return JSON.parse(Buffer.from(payload.data).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A few words on what an event is about, for the report. */
export function describeEvent(event: HistoryEvent): string | undefined {
  const scheduled = event.activityTaskScheduledEventAttributes;
  if (scheduled) return `activity ${scheduled.activityType?.name ?? '?'} (activity id ${scheduled.activityId ?? '?'})`;
  const marker = event.markerRecordedEventAttributes;
  if (marker) {
    const data = decodePayload(marker.details?.data?.payloads?.[0]) as { activity_type?: string; activityType?: string; patch_id?: string } | undefined;
    const activityType = data?.activity_type ?? data?.activityType;
    if (activityType) return `local activity ${activityType}`;
    // The SDK records a patch's id under `patch-data` (older cores: `patch_data`).
    const patch = decodePayload((marker.details?.['patch-data'] ?? marker.details?.patch_data)?.payloads?.[0]) as { id?: string } | undefined;
    return patch?.id ? `patch marker ${patch.id}` : `marker ${marker.markerName ?? '?'}`;
  }
  if (event.timerStartedEventAttributes) return `timer ${event.timerStartedEventAttributes.timerId ?? '?'}`;
  if (event.workflowExecutionSignaledEventAttributes) return `signal ${event.workflowExecutionSignaledEventAttributes.signalName ?? '?'}`;
  const upsert = event.upsertWorkflowSearchAttributesEventAttributes;
  if (upsert) return `search attributes ${Object.keys(upsert.searchAttributes?.indexedFields ?? {}).join(', ')}`;
  if (event.workflowExecutionContinuedAsNewEventAttributes) return 'continue-as-new';
  if (event.startChildWorkflowExecutionInitiatedEventAttributes) return `child workflow ${event.startChildWorkflowExecutionInitiatedEventAttributes.workflowType?.name ?? '?'}`;
  return undefined;
}
