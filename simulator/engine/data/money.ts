/**
 * Money is computed in integer cents and only turned into JSON text at the edge, so totals always add
 * up exactly (lines + tax = TotalAmt) and no value carries more than two decimals.
 *
 * Intuit's JSON writes amounts with two decimals (`"TotalAmt":337.50`, `"Balance":739.00`) and a zero
 * amount as `0` (a voided invoice: `"TotalAmt":0`), while unit prices come in their shortest form
 * (`"UnitPrice":75`): recorded in minimul/qbo_api spec/vcr/all/sales_receipts.yml, void/invoice.yml and
 * get/display_name.yml. JSON.stringify cannot write `337.50`, so an amount is a Money value whose
 * serialized placeholder json-text.ts turns into the exact text.
 */
export class Money {
  constructor(readonly cents: number) {}

  /** The text Intuit writes: `1005.00`, `-12.30`, `0`. */
  text(): string {
    if (this.cents === 0) return '0';
    const abs = Math.abs(this.cents);
    const fraction = abs % 100;
    return `${this.cents < 0 ? '-' : ''}${(abs - fraction) / 100}.${fraction < 10 ? '0' : ''}${fraction}`;
  }

  /** A placeholder string that no generated text contains; json-text.ts replaces it, quotes and all. */
  toJSON(): string {
    return `${MONEY_MARK}${this.text()}`;
  }
}

/** U+0000, which JSON.stringify writes as `\u0000`. */
export const MONEY_MARK = '\u0000';

export function amount(cents: number): Money {
  return new Money(cents);
}

/** Unit prices and costs: Intuit writes them in their shortest form (`75`, `12.5`), a plain JSON number. */
export function unitPrice(cents: number): number {
  return cents / 100;
}

/** Tax on a taxable amount at a rate in basis points (825 = 8.25%), rounded half up to the cent. */
export function taxCents(taxableCents: number, basisPoints: number): number {
  return Math.round((taxableCents * basisPoints) / 10_000);
}
