/**
 * Change data capture: every object of the asked entities whose LastUpdatedTime is at or after
 * `changedSince`, deleted transactions as stubs. One response holds at most `cdcMaxObjects` objects
 * across all entities; when there are more, the OLDEST win, ordered by (LastUpdatedTime, position of the
 * entity in the request's `entities` list, numeric Id), so a consumer that re-asks from the newest time
 * it received makes progress. Within each entity the objects are listed in (LastUpdatedTime, Id) order.
 */
import type { QuickBooksEntity } from './company/entity-kinds.js';
import type { EntityRecord } from './company/entity-record.js';
import type { EntityStore } from './company/entity-store.js';

export interface CdcChanges {
  entity: QuickBooksEntity;
  records: EntityRecord[];
}

export function collectChanges(
  stores: Readonly<Record<QuickBooksEntity, EntityStore>>,
  entities: readonly QuickBooksEntity[],
  changedSinceMs: number,
  maxObjects: number,
): CdcChanges[] {
  // Each entity contributes at most maxObjects candidates (already in order); then keep the oldest overall.
  const candidates: { entityOrder: number; record: EntityRecord }[] = [];
  entities.forEach((entity, entityOrder) => {
    const index = stores[entity].byUpdated;
    const start = stores[entity].firstUpdatedAtOrAfter(changedSinceMs);
    const end = Math.min(index.length, start + maxObjects);
    for (let i = start; i < end; i++) candidates.push({ entityOrder, record: index[i] as EntityRecord });
  });
  if (candidates.length > maxObjects) {
    candidates.sort((a, b) => a.record.updatedAt - b.record.updatedAt || a.entityOrder - b.entityOrder || a.record.id - b.record.id);
    candidates.length = maxObjects;
  }
  return entities.map((entity, entityOrder) => ({
    entity,
    // Filtering keeps each entity's (LastUpdatedTime, Id) order.
    records: candidates.filter((candidate) => candidate.entityOrder === entityOrder).map((candidate) => candidate.record),
  }));
}
