/**
 * The JSON text of a body as Intuit writes it: JSON.stringify, then every Money placeholder
 * (`"\u0000337.50"`) replaced by the bare number text (`337.50`) that JSON.stringify cannot produce.
 */
const MONEY_PLACEHOLDER = /"\\u0000(-?\d+(?:\.\d\d)?)"/g;

export function intuitJson(value: unknown): string {
  return JSON.stringify(value).replace(MONEY_PLACEHOLDER, '$1');
}
