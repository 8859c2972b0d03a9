/**
 * The fixed facts of a customer or an item, derived from the company seed and the Id alone. Transactions
 * read them too (CustomerRef.name, ItemRef.name, unit prices), so they never change after creation;
 * updates only add visible edits on top (see customers.ts, items.ts).
 */
import type { PhysicalAddress } from './addresses.js';
import { randomAddress } from './addresses.js';
import { recordRng } from '../rng.js';
import { BUSINESS_FIRST_WORDS, BUSINESS_SECOND_WORDS, COMPANY_SUFFIXES, EMAIL_DOMAINS, FAMILY_NAMES, GIVEN_NAMES, ITEM_CATALOG, ITEM_VARIANTS } from './word-lists.js';

export interface CustomerProfile {
  givenName: string;
  familyName: string;
  /** Unique within the company, as QuickBooks requires. */
  displayName: string;
  companyName: string | undefined;
  email: string;
  billAddr: PhysicalAddress;
  shipAddr: PhysicalAddress;
  taxable: boolean;
  balanceCents: number;
}

export interface ItemProfile {
  name: string;
  type: 'Service' | 'NonInventory' | 'Inventory';
  description: string;
  unitPriceCents: number;
  purchaseCostCents: number;
  taxable: boolean;
}

const NAME_COMBINATIONS = GIVEN_NAMES.length * FAMILY_NAMES.length;
const ITEM_COMBINATIONS = ITEM_CATALOG.length * ITEM_VARIANTS.length;

/**
 * Walks all name combinations in a seed-dependent order without repeats: `(index * step + offset) mod n`
 * is a permutation when step and n are coprime. Past n, a round number keeps names unique.
 */
function uniqueCombination(seed: number, salt: string, id: number, combinations: number, step: number): { index: number; round: number } {
  const offset = recordRng(seed, salt, 0).int(combinations);
  const position = id - 1;
  return { index: (((position % combinations) * step + offset) % combinations), round: Math.floor(position / combinations) };
}

export function buildCustomerProfile(seed: number, id: number): CustomerProfile {
  const { index, round } = uniqueCombination(seed, 'customer-name', id, NAME_COMBINATIONS, 7919);
  const givenName = GIVEN_NAMES[index % GIVEN_NAMES.length] as string;
  const familyName = FAMILY_NAMES[Math.floor(index / GIVEN_NAMES.length)] as string;
  const rng = recordRng(seed, 'customer', id);
  const companyName = rng.chance(0.35)
    ? `${rng.pick(BUSINESS_FIRST_WORDS)} ${rng.pick(BUSINESS_SECOND_WORDS)}${rng.chance(0.4) ? ` ${rng.pick(COMPANY_SUFFIXES)}` : ''}`
    : undefined;
  const billAddr = randomAddress(rng, String(100 + id * 2));
  const shipAddr = rng.chance(0.7) ? { ...billAddr } : randomAddress(rng, String(101 + id * 2));
  return {
    givenName,
    familyName,
    displayName: round === 0 ? `${givenName} ${familyName}` : `${givenName} ${familyName} ${round + 1}`,
    companyName,
    email: `${givenName}.${familyName}${round === 0 ? '' : round + 1}@${rng.pick(EMAIL_DOMAINS)}`.toLowerCase(),
    billAddr,
    shipAddr,
    taxable: rng.chance(0.8),
    balanceCents: rng.chance(0.4) ? rng.between(1000, 500_000) : 0,
  };
}

export function buildItemProfile(seed: number, id: number): ItemProfile {
  const { index, round } = uniqueCombination(seed, 'item-name', id, ITEM_COMBINATIONS, 7);
  const [baseName, type, basePrice] = ITEM_CATALOG[index % ITEM_CATALOG.length] as (typeof ITEM_CATALOG)[number];
  const variant = ITEM_VARIANTS[Math.floor(index / ITEM_CATALOG.length)] as string;
  const rng = recordRng(seed, 'item', id);
  const name = `${variant ? `${variant} ` : ''}${baseName}${round === 0 ? '' : ` ${round + 1}`}`;
  const unitPriceCents = Math.max(25, Math.round((basePrice * (80 + rng.int(60))) / 100));
  return {
    name,
    type,
    description: type === 'Service' ? `${name} service` : `${name}, per unit`,
    unitPriceCents,
    purchaseCostCents: type === 'Service' ? 0 : Math.round(unitPriceCents * 0.55),
    taxable: type !== 'Service' || rng.chance(0.2),
  };
}
