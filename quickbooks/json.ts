/**
 * Exact JSON for money. `JSON.parse` turns every number into a float, so "19.99" survives but
 * "12345678901234567.89" or "0.1000000000000000055" would not, and "2.50" would lose its text. We parse
 * with lossless-json: a number whose text round-trips exactly through a JS number (`String(n) === text`)
 * stays a JS number; every other number becomes a `LosslessNumber` that keeps its original text.
 * `stringifyRaw` writes both back as their original text, so the raw object we store is exact.
 */
import { isLosslessNumber, LosslessNumber, parse, stringify } from 'lossless-json';

export { LosslessNumber, isLosslessNumber };

function parseNumberExactly(text: string): number | LosslessNumber {
  const value = Number(text);
  return String(value) === text ? value : new LosslessNumber(text);
}

/** Parses JSON text; throws SyntaxError when it is not JSON. */
export function parseJsonExactly(text: string): unknown {
  return parse(text, null, parseNumberExactly);
}

/** The exact JSON text of a parsed QuickBooks object, for storing as jsonb. */
export function stringifyRaw(obj: unknown): string {
  const json = stringify(obj);
  if (json === undefined) throw new TypeError('stringifyRaw: value has no JSON representation');
  return json;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** "1.5e3" → "1500", "2.5E-3" → "0.0025", "2.50" → "2.50" (the text without an exponent, digits kept). */
function plainDecimal(text: string): string | null {
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const [, sign = '', integerPart = '', fractionPart = '', exponentText] = match;
  if (exponentText === undefined) return text;
  const exponent = Number.parseInt(exponentText, 10);
  const digits = integerPart + fractionPart;
  const pointAt = integerPart.length + exponent;
  let result: string;
  if (pointAt <= 0) result = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) result = digits + '0'.repeat(pointAt - digits.length);
  else result = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  result = result.replace(/^0+(?=\d)/, '');
  return `${sign}${result}`;
}

/**
 * The exact decimal text of an amount: a JS number (only ever one that round-tripped exactly), a
 * LosslessNumber, or a numeric string. Null when the value is absent; null as well when it is not a
 * number at all (callers that require an amount treat that as an error).
 */
export function decimalText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? plainDecimal(String(value)) : null;
  if (typeof value === 'bigint') return value.toString();
  if (isLosslessNumber(value)) return plainDecimal(value.value);
  if (typeof value === 'string') return plainDecimal(value.trim());
  return null;
}
