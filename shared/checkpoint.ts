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

/** Rewinds a running pass so the named entities are read again from `since` (a resync during a pass). */
export function rewindPass(pass: PullPass, entities: readonly QuickBooksEntity[], since: string): PullPass {
  const rewound: PullPass = { ...pass, entities: { ...pass.entities } };
  for (const entity of entities) {
    const cursor = rewound.entities[entity];
    if (!cursor || cursor.watermark === null) rewound.entities[entity] = cursor ?? initialCursor(since);
    else if (cursor.done || Date.parse(cursor.watermark) > Date.parse(since)) rewound.entities[entity] = initialCursor(since);
  }
  return rewound;
}

/** Entities of the pass that still have pages to fetch, in the contract's order (name lists first). */
export function remainingEntities(pass: PullPass): QuickBooksEntity[] {
  return QUICKBOOKS_ENTITIES.filter((entity) => pass.entities[entity] && !pass.entities[entity]!.done);
}

/**
 * After one page of `entity` was stored: its cursor moves, and the pass remembers the earliest
 * QuickBooks time any of its pages was answered at (incremental CDC continues from there).
 */
export function afterPage(checkpoint: SyncCheckpoint, entity: QuickBooksEntity, cursor: EntityCursor, serverTime: string): SyncCheckpoint {
  const pass = checkpoint.pass;
  if (!pass) throw new Error(`a page of ${entity} was stored outside a pass`);
  const earliest = pass.startedAtServerTime && Date.parse(pass.startedAtServerTime) <= Date.parse(serverTime) ? pass.startedAtServerTime : serverTime;
  return { ...checkpoint, pass: { ...pass, startedAtServerTime: earliest, entities: { ...pass.entities, [entity]: cursor } } };
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
 * The mirror after a page of `entity` was stored. Pages of different entities are stored concurrently
 * (lanes), each knowing only its own entity's new cursor for sure: so the stored mirror keeps every other
 * entity's cursor as that entity's own lane wrote it, and a pass it does not know yet is written whole.
 */
export function mirrorAfterPage(stored: SyncCheckpoint | null, fresh: SyncCheckpoint, entity: QuickBooksEntity): SyncCheckpoint {
  const pass = fresh.pass;
  if (!pass) throw new Error(`a page of ${entity} was stored outside a pass`);
  if (!stored?.pass || stored.pass.kind !== pass.kind) return fresh;
  const earliest = [stored.pass.startedAtServerTime, pass.startedAtServerTime].filter((time): time is string => time !== null).sort((a, b) => Date.parse(a) - Date.parse(b))[0] ?? null;
  return {
    ...fresh,
    pass: { ...pass, startedAtServerTime: earliest, entities: { ...pass.entities, ...stored.pass.entities, [entity]: pass.entities[entity] } },
  };
}
