import { describe, expect, it } from 'vitest';
import { decimalText, isLosslessNumber, parseJsonExactly, stringifyRaw } from '../../quickbooks/json.js';

describe('exact JSON', () => {
  it('keeps numbers that round-trip as JS numbers and every other number as its text', () => {
    const parsed = parseJsonExactly('{"a":19.99,"b":2.50,"c":12345678901234567.89,"d":0.1000000000000000055,"e":42,"f":9007199254740993,"g":1.5e3}') as Record<string, unknown>;
    expect(parsed.a).toBe(19.99);
    expect(parsed.e).toBe(42);
    for (const key of ['b', 'c', 'd', 'f', 'g']) expect(isLosslessNumber(parsed[key]), key).toBe(true);
  });

  it('stringifyRaw writes back the exact text of every number', () => {
    const text = '{"TotalAmt":12345678901234567.89,"Balance":2.50,"Qty":3,"UnitPrice":0.1000000000000000055,"Nested":{"Line":[{"Amount":1e-7}]}}';
    expect(stringifyRaw(parseJsonExactly(text))).toBe(text);
  });

  it('decimalText gives exact decimal text without exponents', () => {
    const parsed = parseJsonExactly('{"a":12345678901234567.89,"b":2.50,"c":19.99,"d":1.5e3,"e":2.5E-3,"f":-0.5,"g":100}') as Record<string, unknown>;
    expect(decimalText(parsed.a)).toBe('12345678901234567.89');
    expect(decimalText(parsed.b)).toBe('2.50');
    expect(decimalText(parsed.c)).toBe('19.99');
    expect(decimalText(parsed.d)).toBe('1500');
    expect(decimalText(parsed.e)).toBe('0.0025');
    expect(decimalText(parsed.f)).toBe('-0.5');
    expect(decimalText(parsed.g)).toBe('100');
    expect(decimalText(1e21)).toBe('1000000000000000000000');
    expect(decimalText(1e-7)).toBe('0.0000001');
    expect(decimalText('12.30')).toBe('12.30');
    expect(decimalText(undefined)).toBeNull();
    expect(decimalText(null)).toBeNull();
    expect(decimalText('abc')).toBeNull();
    expect(decimalText({})).toBeNull();
  });
});
