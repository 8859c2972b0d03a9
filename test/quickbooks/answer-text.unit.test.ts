import { describe, expect, it } from 'vitest';
import { decodeBody, isPlainObjectText } from '../../quickbooks/accounting-http.js';

const bytes = (values: number[]) => new Uint8Array(values).buffer;

describe('an answer kept as text', () => {
  it('is decoded with the charset its content-type names, UTF-8 otherwise', () => {
    // "café" in ISO-8859-1 (é = 0xE9) and in UTF-8 (é = 0xC3 0xA9)
    expect(decodeBody(bytes([0x63, 0x61, 0x66, 0xe9]), 'application/json; charset=ISO-8859-1')).toBe('café');
    expect(decodeBody(bytes([0x63, 0x61, 0x66, 0xc3, 0xa9]), 'application/json;charset=UTF-8')).toBe('café');
    expect(decodeBody(bytes([0x63, 0x61, 0x66, 0xc3, 0xa9]), 'application/json')).toBe('café');
    expect(decodeBody(bytes([0x63, 0x61, 0x66, 0xc3, 0xa9]), null)).toBe('café');
    expect(decodeBody(bytes([0x63, 0x61, 0x66, 0xc3, 0xa9]), 'application/json; charset="no-such-charset"')).toBe('café');
  });

  it('is parsed in Node only when it may be a fault or is no object', () => {
    expect(isPlainObjectText('{"QueryResponse":{"Invoice":[]},"time":"2024-01-01T00:00:00Z"}')).toBe(true);
    expect(isPlainObjectText('  \n{"CDCResponse":[]}')).toBe(true);
    expect(isPlainObjectText('{"Fault":{"Error":[{"code":"3200"}]},"time":"x"}')).toBe(false);
    expect(isPlainObjectText('{"time":"x","fault":{"error":[]}}')).toBe(false);
    expect(isPlainObjectText('<html>gateway</html>')).toBe(false);
    expect(isPlainObjectText('')).toBe(false);
  });
});
