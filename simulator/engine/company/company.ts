/**
 * One QuickBooks company (realm): its records per entity, its generated history and the changes the
 * control API applies to it. Everything is a function of the seed and the ordered list of applied
 * changes, so the same seed and the same change sequence always give the same data, and a persisted
 * company is restored by replaying its change log.
 */
import type { ChangedRecord, ChangeOperation, ChangeRequest, CompanySnapshot, CompanySummary, EntityCounts } from '../../types.js';
import { formatCompanyTime } from '../company-time.js';
import type { CompanyContext } from '../data/company-context.js';
import { taxRateForSeed } from '../data/company-context.js';
import { BodyCache } from '../data/body-cache.js';
import { buildCustomerProfile, buildItemProfile, type CustomerProfile, type ItemProfile } from '../data/profiles.js';
import { SimulatorInputError } from '../errors.js';
import { mixSeed, Rng } from '../rng.js';
import { newEntityRecord, type EntityRecord } from './entity-record.js';
import { ENTITY_KINDS, isSalesDocument, QUICKBOOKS_ENTITIES, type QuickBooksEntity } from './entity-kinds.js';
import { EntityStore } from './entity-store.js';
import { generateHistory, type EntityTotals } from './history.js';

export interface CompanyDefinition {
  realmId: string;
  name: string;
  seed: number;
  totals: EntityTotals;
  /** Simulator-clock time of creation (epoch ms). The history ends at the top of that hour, so two companies made from one seed within the same hour are identical. */
  createdAt: number;
}

export interface LoggedChange {
  /** Simulator-clock time the change was applied (epoch ms). */
  at: number;
  request: ChangeRequest;
}

const PROFILE_CACHE_LIMIT = 100_000;
const REJECTION_SAMPLING_ATTEMPTS = 64;

type Eligibility = (record: EntityRecord) => boolean;

const ELIGIBLE: Record<Exclude<ChangeOperation, 'create'>, { nameList: Eligibility; transaction: Eligibility }> = {
  update: { nameList: (r) => !r.inactive, transaction: (r) => !r.deleted && !r.voided },
  void: { nameList: () => false, transaction: (r) => !r.deleted && !r.voided },
  delete: { nameList: (r) => !r.inactive, transaction: (r) => !r.deleted },
};

export class Company implements CompanyContext {
  readonly stores: Record<QuickBooksEntity, EntityStore>;
  readonly taxRate: { ref: string; basisPoints: number };
  readonly changeLog: LoggedChange[] = [];
  /** The JSON of each record as the API returns it (see body-cache.ts). */
  readonly bodies: BodyCache = new BodyCache(this);
  private readonly changeRng: Rng;
  private readonly customerProfiles = new Map<number, CustomerProfile>();
  private readonly itemProfiles = new Map<number, ItemProfile>();

  private constructor(readonly definition: CompanyDefinition) {
    this.stores = Object.fromEntries(QUICKBOOKS_ENTITIES.map((entity) => [entity, new EntityStore()])) as Record<QuickBooksEntity, EntityStore>;
    this.taxRate = taxRateForSeed(definition.seed);
    this.changeRng = Rng.fromSeed(mixSeed(definition.seed, 'changes'));
  }

  static create(definition: CompanyDefinition): Company {
    const company = new Company(definition);
    const anchor = Math.floor(definition.createdAt / 3_600_000) * 3_600;
    const history = generateHistory(definition.seed, definition.totals, anchor);
    for (const entity of QUICKBOOKS_ENTITIES) company.stores[entity].load(history[entity]);
    return company;
  }

  get realmId(): string {
    return this.definition.realmId;
  }

  get seed(): number {
    return this.definition.seed;
  }

  customer(id: number): CustomerProfile {
    return cached(this.customerProfiles, id, () => buildCustomerProfile(this.seed, id));
  }

  item(id: number): ItemProfile {
    return cached(this.itemProfiles, id, () => buildItemProfile(this.seed, id));
  }

  /**
   * Applies create, update, void and delete (in that order) at `nowMs`. Victims are picked with the
   * company's own RNG among records that existed before the call, never twice in one call. The call is
   * all-or-nothing: it is checked completely before anything changes.
   */
  applyChanges(request: ChangeRequest, nowMs: number): ChangedRecord[] {
    this.checkChanges(request);
    const now = Math.floor(nowMs / 1000);
    const touched = new Set<EntityRecord>();
    const changed: ChangedRecord[] = [];
    const note = (entity: QuickBooksEntity, record: EntityRecord, op: ChangeOperation) => {
      touched.add(record);
      changed.push({ entity, id: String(record.id), op });
    };

    for (const entity of QUICKBOOKS_ENTITIES) {
      for (let i = 0; i < (request.create?.[entity] ?? 0); i++) note(entity, this.createRecord(entity, now), 'create');
    }
    for (const op of ['update', 'void', 'delete'] as const) {
      for (const entity of QUICKBOOKS_ENTITIES) {
        const store = this.stores[entity];
        const eligible = ELIGIBLE[op][ENTITY_KINDS[entity].nameList ? 'nameList' : 'transaction'];
        for (let i = 0; i < (request[op]?.[entity] ?? 0); i++) {
          const victim = this.pickRecord(store, (record) => eligible(record) && !touched.has(record));
          if (!victim) throw new Error(`no ${entity} left to ${op} after validation`); // checkChanges guarantees one
          store.modify(victim, now, (record) => {
            if (op === 'update') record.revisions += 1;
            else if (op === 'void') record.voided = true;
            else if (ENTITY_KINDS[entity].nameList) record.inactive = true;
            else record.deleted = true;
          });
          note(entity, victim, op);
        }
      }
    }
    this.changeLog.push({ at: nowMs, request });
    return changed;
  }

  summary(): CompanySummary {
    const counts = Object.fromEntries(
      QUICKBOOKS_ENTITIES.map((entity) => [entity, this.stores[entity].counts.notDeleted]),
    ) as Record<QuickBooksEntity, number>;
    return { realmId: this.realmId, name: this.definition.name, seed: this.seed, createdAt: new Date(this.definition.createdAt).toISOString(), counts };
  }

  snapshot(): CompanySnapshot {
    const entities = Object.fromEntries(
      QUICKBOOKS_ENTITIES.map((entity) => [
        entity,
        this.stores[entity].records.map((record) => ({
          id: String(record.id),
          syncToken: String(record.syncToken),
          deleted: record.deleted,
          lastUpdatedTime: formatCompanyTime(record.updatedAt * 1000),
        })),
      ]),
    ) as CompanySnapshot['entities'];
    return { realmId: this.realmId, entities };
  }

  private createRecord(entity: QuickBooksEntity, now: number): EntityRecord {
    const store = this.stores[entity];
    const record = newEntityRecord(store.nextId(), now);
    if (!ENTITY_KINDS[entity].nameList) {
      const customer = this.pickRecord(this.stores.Customer, (candidate) => !candidate.inactive);
      if (!customer) throw new Error('no active customer after validation');
      record.customerId = customer.id;
    }
    if (isSalesDocument(entity)) record.itemPool = this.stores.Item.size;
    store.add(record);
    return record;
  }

  /** A uniformly chosen record satisfying `accept`: rejection sampling first (cheap when most qualify), then a scan. */
  private pickRecord(store: EntityStore, accept: (record: EntityRecord) => boolean): EntityRecord | undefined {
    if (store.size === 0) return undefined;
    for (let attempt = 0; attempt < REJECTION_SAMPLING_ATTEMPTS; attempt++) {
      const record = store.records[this.changeRng.int(store.size)] as EntityRecord;
      if (accept(record)) return record;
    }
    const candidates = store.records.filter(accept);
    return candidates.length === 0 ? undefined : this.changeRng.pick(candidates);
  }

  private checkChanges(request: ChangeRequest): void {
    const count = (counts: EntityCounts | undefined, entity: QuickBooksEntity) => counts?.[entity] ?? 0;
    const problems: string[] = [];
    const activeCustomers = this.stores.Customer.counts.active + count(request.create, 'Customer');
    const items = this.stores.Item.size + count(request.create, 'Item');

    for (const entity of QUICKBOOKS_ENTITIES) {
      const kind = ENTITY_KINDS[entity];
      const updates = count(request.update, entity);
      const voids = count(request.void, entity);
      const deletes = count(request.delete, entity);
      const creates = count(request.create, entity);
      if (kind.nameList) {
        if (voids > 0) problems.push(`${entity} cannot be voided (only transactions can)`);
        const active = this.stores[entity].counts.active;
        if (updates + deletes > active) problems.push(`${entity}: asked to update ${updates} and delete ${deletes}, but only ${active} active records exist`);
      } else {
        if (creates > 0 && activeCustomers === 0) problems.push(`${entity}: creating a transaction needs an active Customer`);
        if (creates > 0 && isSalesDocument(entity) && items === 0) problems.push(`${entity}: creating a sales document needs an Item`);
        if (updates + voids + deletes === 0) continue;
        const { notDeleted: live, notDeletedNorVoided: liveNotVoided } = this.stores[entity].counts;
        if (updates + voids > liveNotVoided) problems.push(`${entity}: asked to update ${updates} and void ${voids}, but only ${liveNotVoided} live, unvoided records exist`);
        else if (updates + voids + deletes > live) problems.push(`${entity}: asked to change ${updates + voids + deletes} records, but only ${live} live records exist`);
      }
    }
    if (problems.length > 0) throw new SimulatorInputError(problems.join('; '));
  }

}

function cached<T>(cache: Map<number, T>, id: number, build: () => T): T {
  let value = cache.get(id);
  if (value === undefined) {
    value = build();
    if (cache.size >= PROFILE_CACHE_LIMIT) cache.clear();
    cache.set(id, value);
  }
  return value;
}
