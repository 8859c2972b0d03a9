/**
 * What a chaos run is made of, drawn from its seed: the companies (sizes and which entities they have),
 * the changes a bookkeeper makes to them, and the fault windows the simulator injects.
 */
import type { ChangeRequest, CreateCompanyRequest, FaultRule, QuickBooksEntity } from '../../simulator/types.js';
import type { SeededRandom } from '../random.js';

const TRANSACTIONS: QuickBooksEntity[] = ['Invoice', 'SalesReceipt', 'CreditMemo', 'RefundReceipt', 'Payment'];
const SALES_DOCUMENTS: QuickBooksEntity[] = ['Invoice', 'SalesReceipt', 'CreditMemo', 'RefundReceipt'];

export function companyShape(rng: SeededRandom): CreateCompanyRequest {
  return {
    seed: rng.seed(),
    customers: rng.int(15, 40),
    items: rng.int(5, 15),
    invoices: rng.int(100, 800),
    salesReceipts: rng.pick([0, rng.int(10, 80)]),
    creditMemos: rng.pick([0, rng.int(5, 20)]),
    refundReceipts: rng.pick([0, rng.int(5, 20)]),
    payments: rng.pick([0, rng.int(10, 80)]),
  };
}

export function entitiesOf(company: CreateCompanyRequest): QuickBooksEntity[] {
  const present: [QuickBooksEntity, number | undefined][] = [
    ['Customer', company.customers], ['Item', company.items], ['Invoice', company.invoices], ['SalesReceipt', company.salesReceipts],
    ['CreditMemo', company.creditMemos], ['RefundReceipt', company.refundReceipts], ['Payment', company.payments],
  ];
  return present.filter(([, count]) => (count ?? 0) > 0).map(([entity]) => entity);
}

export function describeCompany(company: CreateCompanyRequest): string {
  const total = (company.customers ?? 0) + (company.items ?? 0) + (company.invoices ?? 0) + (company.salesReceipts ?? 0) + (company.creditMemos ?? 0) + (company.refundReceipts ?? 0) + (company.payments ?? 0);
  return `${total} records, seed ${company.seed}`;
}

/** A few creates, updates, deletes and voids among the entities the company has. */
export function changeRequest(rng: SeededRandom, entities: QuickBooksEntity[]): ChangeRequest {
  const some = (candidates: QuickBooksEntity[], max: number) => {
    const counts: Partial<Record<QuickBooksEntity, number>> = {};
    for (const entity of candidates.filter((candidate) => entities.includes(candidate))) if (rng.chance(0.5)) counts[entity] = rng.int(1, max);
    return counts;
  };
  return {
    create: { Invoice: rng.int(0, 3), ...(rng.chance(0.3) ? { Customer: 1 } : {}), ...some(['SalesReceipt', 'Payment'], 2) },
    update: some(['Invoice', 'Customer', 'Item', 'SalesReceipt', 'Payment'], 3),
    delete: some(TRANSACTIONS, 1),
    void: some(SALES_DOCUMENTS, 1),
  };
}

/** One fault window's rules: transient Accounting API (and sometimes OAuth) failures, some latency. */
export function faultRules(rng: SeededRandom, allow429: boolean): FaultRule[] {
  const rules: FaultRule[] = [];
  const target = () => rng.weighted<FaultRule['target']>([['api', 4], ['all', 1]]);
  if (rng.chance(0.6)) rules.push({ kind: '500', rate: round(rng.between(0.05, 0.3)), target: target() });
  if (rng.chance(0.5)) rules.push({ kind: '503', rate: round(rng.between(0.05, 0.3)), target: target() });
  if (rng.chance(0.4)) rules.push({ kind: 'timeout', rate: round(rng.between(0.03, 0.15)), hangMs: rng.int(1_000, 4_000), target: target() });
  if (rng.chance(0.4)) rules.push({ kind: 'reset', rate: round(rng.between(0.03, 0.15)), target: target() });
  if (allow429 && rng.chance(0.5)) rules.push({ kind: '429', rate: round(rng.between(0.05, 0.2)), remaining: rng.int(1, 2) });
  if (rng.chance(0.6) || rules.length === 0) rules.push({ kind: 'latency', rate: round(rng.between(0.2, 0.8)), latencyMs: rng.int(100, 1_500) });
  return rules;
}

const round = (value: number) => Math.round(value * 100) / 100;
