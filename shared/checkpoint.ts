/**
 * How a connection's checkpoint moves, as pure functions. The workflow applies them to the checkpoint
 * it holds (the truth); the activities that store records apply the same ones to write the mirror in
 * the very transaction that stored those records, so the mirror never claims more than is stored.
 * Deterministic and I/O-free: the workflow sandbox imports this module.
 */
import { QUICKBOOKS_ENTITIES, type QuickBooksEntity } from './contract.js';
import type { EntityCursor, PassKind, PullPass, SyncCheckpoint } from './workflow-payloads.js';

export function initialCheckpoint(): SyncCheckpoint {
  return { pass: null, changedSince: null };
}

/** A cursor before its first page; `watermark` is where the pass starts (null: the beginning). */
export function initialCursor(watermark: string | null = null): EntityCursor {
  return { watermark, idsAtWatermark: [], countAtWatermark: 0, done: false, pages: 0 };
}

/** A query pass over `entities`, each starting at `from` (null: from the beginning). */
export function newPass(kind: PassKind, entities: readonly QuickBooksEntity[], from: string | null): PullPass {
  return { kind, startedAtServerTime: null, entities: Object.fromEntries(entities.map((entity) => [entity, initialCursor(from)])) };
}

/**
 * Rewinds a running pass so the named entities are read again from `since` (a resync during a pass).
 * A split entity starts again from `since` as one cursor when everything before `since` is read;
 * otherwise from the earliest position any of its segments has not read yet (re-reading is harmless).
 */
export function rewindPass(pass: PullPass, entities: readonly QuickBooksEntity[], since: string): PullPass {
  const rewound: PullPass = { ...pass, entities: { ...pass.entities } };
  for (const entity of entities) {
    const cursor = rewound.entities[entity];
    const segments = pass.segments?.[entity];
    if (cursor && segments) {
      const unread = [cursor, ...segments].filter((segment) => !segment.done).map((segment) => (segment.watermark === null ? -Infinity : Date.parse(segment.watermark)));
      const earliest = Math.min(Infinity, ...unread);
      rewound.entities[entity] = earliest > Date.parse(since) ? initialCursor(since) : initialCursor(earliest === -Infinity ? null : new Date(earliest).toISOString());
      const segmentsLeft = withoutSegments(rewound.segments, entity);
      if (segmentsLeft) rewound.segments = segmentsLeft;
      else delete rewound.segments;
    } else if (!cursor || cursor.watermark === null) rewound.entities[entity] = cursor ?? initialCursor(since);
    else if (cursor.done || Date.parse(cursor.watermark) > Date.parse(since)) rewound.entities[entity] = initialCursor(since);
  }
  return rewound;
}

function withoutSegments(segments: PullPass['segments'], entity: QuickBooksEntity): PullPass['segments'] {
  if (!segments?.[entity]) return segments;
  const { [entity]: _dropped, ...rest } = segments;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/** The cursors of `entity`: the first segment (`entities[entity]`), then any later ones. */
export function entityCursors(pass: PullPass, entity: QuickBooksEntity): EntityCursor[] {
  const cursor = pass.entities[entity];
  return cursor ? [cursor, ...(pass.segments?.[entity] ?? [])] : [];
}

export interface EntityProgress {
  done: boolean;
  /** 1 for an entity paged as one range; more once it was split into time segments. */
  segments: number;
  segmentsDone: number;
  /** Pages stored over all its segments. */
  pages: number;
  /** Where its first segment goes on (the only one for an unsplit entity). */
  watermark: string | null;
}

/** How far a pass got with `entity`, over all its segments (what an operator is shown). */
export function entityProgress(pass: PullPass, entity: QuickBooksEntity): EntityProgress {
  const cursors = entityCursors(pass, entity);
  const segmentsDone = cursors.filter((cursor) => cursor.done).length;
  return {
    done: segmentsDone === cursors.length,
    segments: cursors.length,
    segmentsDone,
    pages: cursors.reduce((sum, cursor) => sum + cursor.pages, 0),
    watermark: cursors[0]?.watermark ?? null,
  };
}

/** Segment `segment` of `entity` (0: `entities[entity]`). */
export function segmentCursor(pass: PullPass, entity: QuickBooksEntity, segment = 0): EntityCursor | undefined {
  return entityCursors(pass, entity)[segment];
}

/** Entities of the pass that still have pages to fetch, in the contract's order (name lists first). */
export function remainingEntities(pass: PullPass): QuickBooksEntity[] {
  return QUICKBOOKS_ENTITIES.filter((entity) => entityCursors(pass, entity).some((cursor) => !cursor.done));
}

/** Every segment of the pass that still has pages to fetch: entities in the contract's order, segments in time order. */
export function remainingSegments(pass: PullPass): { entity: QuickBooksEntity; segment: number }[] {
  return remainingEntities(pass).flatMap((entity) =>
    entityCursors(pass, entity).flatMap((cursor, segment) => (cursor.done ? [] : [{ entity, segment }])),
  );
}

/**
 * After one page of `entity` (segment `segment`) was stored: its cursor moves, and the pass remembers
 * the earliest QuickBooks time any of its pages was answered at (incremental CDC continues from there).
 */
export function afterPage(checkpoint: SyncCheckpoint, entity: QuickBooksEntity, cursor: EntityCursor, serverTime: string, segment = 0): SyncCheckpoint {
  const pass = checkpoint.pass;
  if (!pass) throw new Error(`a page of ${entity} was stored outside a pass`);
  const earliest = pass.startedAtServerTime && Date.parse(pass.startedAtServerTime) <= Date.parse(serverTime) ? pass.startedAtServerTime : serverTime;
  if (segment === 0) return { ...checkpoint, pass: { ...pass, startedAtServerTime: earliest, entities: { ...pass.entities, [entity]: cursor } } };
  const segments = [...(pass.segments?.[entity] ?? [])];
  if (!segments[segment - 1]) throw new Error(`${entity} has no segment ${segment}`);
  segments[segment - 1] = cursor;
  return { ...checkpoint, pass: { ...pass, startedAtServerTime: earliest, segments: { ...pass.segments, [entity]: segments } } };
}

/**
 * Splits the unread rest of `entity`'s single cursor at `splitAt` (ascending instants after its
 * watermark): the cursor keeps its position and reads up to the first split, each split begins a
 * segment that reads up to the next, and the last segment is open-ended like the cursor was. Records
 * changed meanwhile move to the present, which the last segment reads, as one cursor would have.
 */
export function splitEntity(checkpoint: SyncCheckpoint, entity: QuickBooksEntity, splitAt: readonly string[]): SyncCheckpoint {
  const pass = checkpoint.pass;
  const cursor = pass?.entities[entity];
  if (!pass || !cursor) throw new Error(`${entity} is not in a pass`);
  if (pass.segments?.[entity] || cursor.before !== undefined || cursor.done) throw new Error(`${entity} is already split or done`);
  const from = cursor.watermark === null ? -Infinity : Date.parse(cursor.watermark);
  const points = splitAt.map((at) => new Date(Date.parse(at)).toISOString());
  if (points.some((at, index) => Date.parse(at) <= (index === 0 ? from : Date.parse(points[index - 1]!)))) {
    throw new Error(`split points of ${entity} must ascend after its watermark: ${splitAt.join(', ')}`);
  }
  if (points.length === 0) return checkpoint;
  const segments = points.map((at, index) => ({ ...initialCursor(at), ...(index + 1 < points.length ? { before: points[index + 1]! } : {}) }));
  return { ...checkpoint, pass: { ...pass, entities: { ...pass.entities, [entity]: { ...cursor, before: points[0]! } }, segments: { ...pass.segments, [entity]: segments } } };
}

/**
 * After a pass read every entity: CDC continues from where the pass began. A resync leaves the
 * incremental position alone (it re-read an older window) unless there was none yet.
 */
export function afterPass(checkpoint: SyncCheckpoint): SyncCheckpoint {
  const pass = checkpoint.pass;
  if (!pass) return checkpoint;
  const changedSince = pass.kind === 'resync' ? (checkpoint.changedSince ?? pass.startedAtServerTime) : (pass.startedAtServerTime ?? checkpoint.changedSince);
  return { pass: null, changedSince };
}

/** After an incremental pull stored its changes: CDC continues from `nextChangedSince`. */
export function afterChanges(checkpoint: SyncCheckpoint, nextChangedSince: string): SyncCheckpoint {
  return { ...checkpoint, changedSince: nextChangedSince };
}

/**
 * The mirror after a page of `entity` (segment `segment`) was stored. Pages of different entities and
 * segments are stored concurrently (lanes), each knowing only its own segment's new cursor for sure: so
 * the stored mirror keeps every other entity, and every other segment of the same split, as its own
 * lane wrote it; an entity split differently than stored (a new split) and a pass the mirror does not
 * know yet are written as the workflow holds them, which never claims more than is stored.
 */
export function mirrorAfterPage(stored: SyncCheckpoint | null, fresh: SyncCheckpoint, entity: QuickBooksEntity, segment = 0): SyncCheckpoint {
  const pass = fresh.pass;
  if (!pass) throw new Error(`a page of ${entity} was stored outside a pass`);
  if (!stored?.pass || stored.pass.kind !== pass.kind) return fresh;
  const earliest = [stored.pass.startedAtServerTime, pass.startedAtServerTime].filter((time): time is string => time !== null).sort((a, b) => Date.parse(a) - Date.parse(b))[0] ?? null;
  const entities = { ...pass.entities };
  const segments: NonNullable<PullPass['segments']> = { ...pass.segments };
  for (const other of QUICKBOOKS_ENTITIES) {
    const storedCursor = stored.pass.entities[other];
    if (other === entity || !storedCursor) continue;
    entities[other] = storedCursor;
    if (stored.pass.segments?.[other]) segments[other] = stored.pass.segments[other];
    else delete segments[other];
  }
  const mine = entityCursors(pass, entity);
  const theirs = entityCursors(stored.pass, entity);
  if (mine.length > 1 && sameSplit(mine, theirs)) {
    const merged = theirs.map((cursor, index) => (index === segment ? mine[index]! : cursor));
    entities[entity] = merged[0]!;
    segments[entity] = merged.slice(1);
  }
  return { ...fresh, pass: { ...pass, startedAtServerTime: earliest, entities, ...(Object.keys(segments).length > 0 ? { segments } : {}) } };
}

/** Whether two lists of an entity's cursors are the same split (the same segment bounds). */
function sameSplit(a: readonly EntityCursor[], b: readonly EntityCursor[]): boolean {
  return a.length === b.length && a.every((cursor, index) => cursor.before === b[index]!.before);
}
