/**
 * Workflow histories as JSON files: the format `temporal workflow show --output json` writes and the
 * Temporal Web UI downloads (proto3 JSON: string event ids, `EVENT_TYPE_…` enum names), read into the
 * SDK's `History` and written back out byte-compatible with it.
 *
 * Why not `historyFromJSON` / `historyToJSON` from `@temporalio/common/lib/proto-utils`: in this
 * dependency tree npm installs two copies of protobufjs 8 — one under `@temporalio/common`, one under
 * `@temporalio/proto` — because `@grpc/proto-loader` keeps protobufjs 7 at the top. Common's protojson
 * then rejects the message types built by proto's copy with "type must be a Type", and so does
 * `Worker.runReplayHistory` when handed JSON with string event ids (it calls `historyFromJSON`). Here
 * the conversion runs on the protobufjs copy that built `@temporalio/proto`'s types, and the replayer
 * receives a decoded `History`, which it takes as is.
 */
import { createRequire } from 'node:module';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import type * as protoTypes from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root.js';

export type { History };
export type HistoryEvent = NonNullable<History['events']>[number];

interface ProtoJson {
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
  toJson(type: unknown, message: unknown): unknown;
}

const require = createRequire(import.meta.url);
// The CommonJS exports object itself (an ESM namespace import is a copy that protobufjs cannot walk).
const proto = require('@temporalio/proto') as typeof protoTypes;
const protojson = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

/** The input is not a workflow history (missing events, unknown event shapes, wrong enum values…). */
export class UnreadableHistoryError extends Error {
  override readonly name = 'UnreadableHistoryError';
}

// Older tools (tctl, the first Web UI) wrote enum values in PascalCase ("WorkflowExecutionStarted");
// the SDK's own loader accepts them, so this one does too.
function constantCase(value: string): string {
  return value.replace(/[^\b][A-Z]/g, (match) => `${match[0]}_${match[1]}`).toUpperCase();
}

function fixEnum(object: Record<string, unknown>, field: string, prefix: string): Record<string, unknown> {
  const value = object[field];
  if (typeof value !== 'string' || value.startsWith(prefix)) return {};
  return { [field]: `${prefix}_${constantCase(value)}` };
}

function fixEvent(event: unknown, index: number): Record<string, unknown> {
  if (typeof event !== 'object' || event === null) throw new UnreadableHistoryError(`event #${index + 1} is not an object`);
  const record = event as Record<string, unknown>;
  const attributesKey = Object.keys(record).find((key) => key.endsWith('EventAttributes'));
  if (!attributesKey) throw new UnreadableHistoryError(`event #${index + 1} has no …EventAttributes`);
  const attributes = (record[attributesKey] ?? {}) as Record<string, unknown>;
  const taskQueue = attributes.taskQueue as Record<string, unknown> | undefined;
  return {
    ...record,
    ...fixEnum(record, 'eventType', 'EVENT_TYPE'),
    [attributesKey]: {
      ...attributes,
      ...(taskQueue ? { taskQueue: { ...taskQueue, ...fixEnum(taskQueue, 'kind', 'TASK_QUEUE_KIND') } } : {}),
      ...fixEnum(attributes, 'parentClosePolicy', 'PARENT_CLOSE_POLICY'),
      ...fixEnum(attributes, 'workflowIdReusePolicy', 'WORKFLOW_ID_REUSE_POLICY'),
      ...fixEnum(attributes, 'initiator', 'CONTINUE_AS_NEW_INITIATOR'),
      ...fixEnum(attributes, 'retryState', 'RETRY_STATE'),
    },
  };
}

/** A proto3-JSON history (parsed JSON) as the SDK's `History`. */
export function historyFromJson(json: unknown): History {
  const events = (json as { events?: unknown } | null)?.events;
  if (typeof json !== 'object' || json === null || !Array.isArray(events)) {
    throw new UnreadableHistoryError('not a workflow history: expected an object with an "events" array');
  }
  if (events.length === 0) throw new UnreadableHistoryError('the history has no events');
  let history: History;
  try {
    history = protojson.fromJson(historyType, { events: events.map(fixEvent) }, { ignoreUnknownFields: true }) as History;
  } catch (error) {
    if (error instanceof UnreadableHistoryError) throw error;
    throw new UnreadableHistoryError(`not a workflow history: ${(error as Error).message}`);
  }
  const first = history.events?.[0];
  if (!first?.workflowExecutionStartedEventAttributes) throw new UnreadableHistoryError('the first event is not WorkflowExecutionStarted');
  return history;
}

/** A `History` as the JSON text `temporal workflow show --output json` prints. */
export function historyToJson(history: History): string {
  const message = proto.temporal.api.history.v1.History.fromObject(history as Record<string, unknown>);
  return `${JSON.stringify(protojson.toJson(historyType, message), null, 2)}\n`;
}

/** An event's type without the enum prefix, as the Web UI names it: `ActivityTaskScheduled`. */
export function eventTypeName(event: HistoryEvent): string {
  const type = event.eventType;
  const name = typeof type === 'number' ? proto.temporal.api.enums.v1.EventType[type] : String(type ?? 'UNSPECIFIED');
  return (name ?? 'UNSPECIFIED')
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_match, _sep: string, letter: string) => letter.toUpperCase());
}

export function eventIdOf(event: HistoryEvent): number {
  return Number(event.eventId ?? 0);
}

export interface HistorySummary {
  workflowType: string;
  /** In the start event since server 1.21; otherwise unknown. */
  workflowId: string | undefined;
  runId: string | undefined;
  events: number;
  /** The last event's type: `WorkflowExecutionContinuedAsNew`, `WorkflowTaskCompleted` (still running)… */
  lastEventType: string;
}

export function summarizeHistory(history: History): HistorySummary {
  const events = history.events ?? [];
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  const runId = started?.originalExecutionRunId ?? undefined;
  const workflowId = started?.workflowId || undefined;
  return {
    workflowType: started?.workflowType?.name ?? 'unknown',
    workflowId,
    runId: runId || undefined,
    events: events.length,
    lastEventType: events.length > 0 ? eventTypeName(events.at(-1)!) : 'none',
  };
}
