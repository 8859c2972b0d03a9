/**
 * Reading workflow histories for timings and counts: every run of a workflow (continue-as-new
 * included), event types by name, event times in ms, and per-activity schedule-to-start and run times.
 */
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** temporal.api.enums.v1.EventType by number, up to the types a connection workflow produces (the proto's numbering is stable). */
const EVENT_TYPES = [
  'UNSPECIFIED', 'WORKFLOW_EXECUTION_STARTED', 'WORKFLOW_EXECUTION_COMPLETED', 'WORKFLOW_EXECUTION_FAILED', 'WORKFLOW_EXECUTION_TIMED_OUT',
  'WORKFLOW_TASK_SCHEDULED', 'WORKFLOW_TASK_STARTED', 'WORKFLOW_TASK_COMPLETED', 'WORKFLOW_TASK_TIMED_OUT', 'WORKFLOW_TASK_FAILED',
  'ACTIVITY_TASK_SCHEDULED', 'ACTIVITY_TASK_STARTED', 'ACTIVITY_TASK_COMPLETED', 'ACTIVITY_TASK_FAILED', 'ACTIVITY_TASK_TIMED_OUT',
  'ACTIVITY_TASK_CANCEL_REQUESTED', 'ACTIVITY_TASK_CANCELED', 'TIMER_STARTED', 'TIMER_FIRED', 'TIMER_CANCELED',
  'WORKFLOW_EXECUTION_CANCEL_REQUESTED', 'WORKFLOW_EXECUTION_CANCELED', 'REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED',
  'REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED', 'EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED', 'MARKER_RECORDED',
  'WORKFLOW_EXECUTION_SIGNALED', 'WORKFLOW_EXECUTION_TERMINATED', 'WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
  'START_CHILD_WORKFLOW_EXECUTION_INITIATED', 'START_CHILD_WORKFLOW_EXECUTION_FAILED', 'CHILD_WORKFLOW_EXECUTION_STARTED',
  'CHILD_WORKFLOW_EXECUTION_COMPLETED', 'CHILD_WORKFLOW_EXECUTION_FAILED', 'CHILD_WORKFLOW_EXECUTION_CANCELED',
  'CHILD_WORKFLOW_EXECUTION_TIMED_OUT', 'CHILD_WORKFLOW_EXECUTION_TERMINATED', 'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED',
  'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED', 'EXTERNAL_WORKFLOW_EXECUTION_SIGNALED', 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
];

export function eventTypeName(event: HistoryEvent): string {
  const type = event.eventType as unknown;
  if (typeof type === 'number') return `EVENT_TYPE_${EVENT_TYPES[type] ?? type}`;
  return String(type);
}

export function eventTimeMs(event: HistoryEvent): number {
  const time = event.eventTime;
  if (!time) return Number.NaN;
  return Number(time.seconds ?? 0) * 1000 + (time.nanos ?? 0) / 1e6;
}

export const eventId = (event: HistoryEvent) => Number(event.eventId ?? 0);

/** Every run of `workflowId`, oldest first, each as its list of events. */
export async function historiesOf(client: Client, workflowId: string): Promise<{ runId: string; events: HistoryEvent[] }[]> {
  const runs: { runId: string; startMs: number }[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push({ runId: execution.runId, startMs: execution.startTime.getTime() });
  runs.sort((a, b) => a.startMs - b.startMs);
  const histories = [];
  for (const run of runs) {
    const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
    histories.push({ runId: run.runId, events: history.events ?? [] });
  }
  return histories;
}

export interface ActivityTiming {
  type: string;
  scheduledMs: number;
  /** Schedule-to-start: how long the task waited for a worker. */
  queuedMs: number;
  /** Start-to-close of the attempt that completed. */
  runMs: number;
  completedMs: number;
}

/** Timings of every activity that completed, in schedule order. */
export function activityTimings(events: readonly HistoryEvent[]): ActivityTiming[] {
  const scheduled = new Map<number, { type: string; at: number }>();
  const started = new Map<number, number>();
  const timings: ActivityTiming[] = [];
  for (const event of events) {
    const name = eventTypeName(event);
    if (name === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED') {
      scheduled.set(eventId(event), { type: event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?', at: eventTimeMs(event) });
    } else if (name === 'EVENT_TYPE_ACTIVITY_TASK_STARTED') {
      started.set(Number(event.activityTaskStartedEventAttributes?.scheduledEventId ?? 0), eventTimeMs(event));
    } else if (name === 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED') {
      const scheduledId = Number(event.activityTaskCompletedEventAttributes?.scheduledEventId ?? 0);
      const origin = scheduled.get(scheduledId);
      const startedAt = started.get(scheduledId);
      if (!origin || startedAt === undefined) continue;
      timings.push({ type: origin.type, scheduledMs: origin.at, queuedMs: startedAt - origin.at, runMs: eventTimeMs(event) - startedAt, completedMs: eventTimeMs(event) });
    }
  }
  return timings;
}

/** Count of events by type name. */
export function countByType(events: readonly HistoryEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events) {
    const name = eventTypeName(event).replace(/^EVENT_TYPE_/, '');
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** The JSON result of every completed activity of `type`, with its completion time. */
export function activityResults<T>(events: readonly HistoryEvent[], type: string): { completedMs: number; result: T }[] {
  const types = new Map<number, string>();
  const results: { completedMs: number; result: T }[] = [];
  for (const event of events) {
    const name = eventTypeName(event);
    if (name === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED') types.set(eventId(event), event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?');
    if (name !== 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED') continue;
    const attributes = event.activityTaskCompletedEventAttributes;
    if (types.get(Number(attributes?.scheduledEventId ?? 0)) !== type) continue;
    const data = attributes?.result?.payloads?.[0]?.data;
    if (!data) continue;
    const text = typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : Buffer.from(data).toString('utf8');
    results.push({ completedMs: eventTimeMs(event), result: JSON.parse(text) as T });
  }
  return results;
}

/** When each local activity of `type` completed, by the worker's clock (from its marker's data; the marker itself is written with the workflow task). */
export function localActivityCompletions(events: readonly HistoryEvent[], type: string): { markerEventId: number; completedMs: number }[] {
  const completions: { markerEventId: number; completedMs: number }[] = [];
  for (const event of events) {
    if (eventTypeName(event) !== 'EVENT_TYPE_MARKER_RECORDED') continue;
    const data = event.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
    if (!data) continue;
    const text = typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : Buffer.from(data).toString('utf8');
    const marker = JSON.parse(text) as { activity_type?: string; complete_time?: { seconds: number | string; nanos?: number } };
    if (marker.activity_type !== type || !marker.complete_time) continue;
    completions.push({ markerEventId: eventId(event), completedMs: Number(marker.complete_time.seconds) * 1000 + (marker.complete_time.nanos ?? 0) / 1e6 });
  }
  return completions;
}
