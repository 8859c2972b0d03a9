/**
 * Change data capture: every object of the asked entities whose LastUpdatedTime is at or after
 * `changedSince`, deleted transactions as stubs, at most `cdcMaxObjects` objects per answer.
 *
 * `intuit` order (the default), as Intuit's CDC reference lists answers: entity by entity in the order
 * of the request's `entities`, and within an entity the active objects first and the deleted stubs
 * after them (each group in (LastUpdatedTime, Id) order; Intuit documents no order inside a group). A
 * capped answer is cut off in that order, so it can hold an active object newer than deletions it left
 * out: no position inside a capped answer is a safe place to resume from.
 *
 * `adversarial` order: any subset and any order within a capped answer, drawn from `cdcOrderSeed` and
 * the request (the same question over the same data gets the same answer, so a run can be repeated).
 * A consumer that survives it depends on no order at all.
 */
import type { CdcOrder } from '../types.js';
import type { QuickBooksEntity } from './company/entity-kinds.js';
import { ENTITY_KINDS } from './company/entity-kinds.js';
import type { EntityRecord } from './company/entity-record.js';
import type { EntityStore } from './company/entity-store.js';
import { mixSeed, Rng } from './rng.js';

export interface CdcChanges {
  entity: QuickBooksEntity;
  records: EntityRecord[];
}

export interface CdcRequest {
  entities: readonly QuickBooksEntity[];
  changedSinceMs: number;
  maxObjects: number;
  order: CdcOrder;
  /** For `adversarial`: with the request's entities and changedSince, decides which objects a capped answer keeps. */
  seed: number;
}

export function collectChanges(stores: Readonly<Record<QuickBooksEntity, EntityStore>>, request: CdcRequest): CdcChanges[] {
  return request.order === 'intuit' ? intuitOrder(stores, request) : adversarialOrder(stores, request);
}

function intuitOrder(stores: Readonly<Record<QuickBooksEntity, EntityStore>>, request: CdcRequest): CdcChanges[] {
  let budget = request.maxObjects;
  return request.entities.map((entity) => {
    const active: EntityRecord[] = [];
    const deleted: EntityRecord[] = [];
    const store = stores[entity];
    // Walks until no further object could make it into the answer: actives first, then stubs.
    for (let i = store.firstUpdatedAtOrAfter(request.changedSinceMs); i < store.byUpdated.length && active.length < budget; i++) {
      const record = store.byUpdated[i] as EntityRecord;
      if (!record.deleted) active.push(record);
      else if (deleted.length < budget) deleted.push(record);
    }
    const records = [...active, ...deleted].slice(0, budget);
    budget -= records.length;
    return { entity, records };
  });
}

function adversarialOrder(stores: Readonly<Record<QuickBooksEntity, EntityStore>>, request: CdcRequest): CdcChanges[] {
  const candidates: { entity: QuickBooksEntity; record: EntityRecord }[] = [];
  for (const entity of request.entities) {
    const store = stores[entity];
    for (let i = store.firstUpdatedAtOrAfter(request.changedSinceMs); i < store.byUpdated.length; i++) {
      candidates.push({ entity, record: store.byUpdated[i] as EntityRecord });
    }
  }
  const entityMask = request.entities.reduce((mask, entity) => mask | (1 << ENTITY_KINDS[entity].ordinal), 0);
  const rng = Rng.fromSeed(mixSeed(request.seed, request.changedSinceMs, entityMask));
  // Fisher-Yates, stopped once the answer's share is drawn.
  const kept = Math.min(request.maxObjects, candidates.length);
  for (let i = 0; i < kept; i++) {
    const j = i + rng.int(candidates.length - i);
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  const answer = candidates.slice(0, kept);
  return request.entities.map((entity) => ({ entity, records: answer.filter((entry) => entry.entity === entity).map((entry) => entry.record) }));
}
