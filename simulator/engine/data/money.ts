/**
 * Money is computed in integer cents and only turned into a JSON number at the edge, so totals always
 * add up exactly (lines + tax = TotalAmt) and no value carries more than two decimals.
 */
export function amount(cents: number): number {
  return cents / 100;
}

/** Tax on a taxable amount at a rate in basis points (825 = 8.25%), rounded half up to the cent. */
export function taxCents(taxableCents: number, basisPoints: number): number {
  return Math.round((taxableCents * basisPoints) / 10_000);
}
