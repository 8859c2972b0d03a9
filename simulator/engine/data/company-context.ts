/** What materializers may read about a company: its seed, its tax rate and the stores of its records. */
import type { QuickBooksEntity } from '../company/entity-kinds.js';
import type { EntityStore } from '../company/entity-store.js';
import { mixSeed, Rng } from '../rng.js';
import type { CustomerProfile, ItemProfile } from './profiles.js';
import { TAX_RATES } from './word-lists.js';

export interface CompanyContext {
  readonly seed: number;
  readonly stores: Readonly<Record<QuickBooksEntity, EntityStore>>;
  readonly taxRate: { ref: string; basisPoints: number };
  /** Cached: every transaction that names a customer or an item reads these. */
  customer(id: number): CustomerProfile;
  item(id: number): ItemProfile;
}

export function taxRateForSeed(seed: number): { ref: string; basisPoints: number } {
  const [ref, basisPoints] = Rng.fromSeed(mixSeed(seed, 'tax-rate')).pick(TAX_RATES);
  return { ref, basisPoints };
}

