/**
 * Reads Intuit's two fault envelopes into one shape:
 * - `{"Fault":{"Error":[{"Message","Detail","code","element"}],"type":"ValidationFault"},"time":…}`
 *   (400s, faults inside a 200, throttling), and
 * - `{"fault":{"error":[{"message","detail","code","element"}],"type":"AUTHENTICATION"},…}` (401/403).
 */

export interface IntuitFaultError {
  message: string | undefined;
  detail: string | undefined;
  code: string | undefined;
  element: string | undefined;
}

export interface IntuitFault {
  type: string | undefined;
  errors: IntuitFaultError[];
}

type UnknownRecord = Record<string, unknown>;

function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field as text: Intuit sends codes as strings, but a lossless number or a number is accepted too. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (isRecord(value) && typeof value.value === 'string') return value.value; // LosslessNumber
  return undefined;
}

/** `Message` or `message`, whichever the envelope uses. */
function field(record: UnknownRecord, name: string): unknown {
  const capitalized = name.charAt(0).toUpperCase() + name.slice(1);
  return record[capitalized] ?? record[name];
}

/** Returns the fault carried by a parsed response body, or undefined when there is none. */
export function parseFault(body: unknown): IntuitFault | undefined {
  if (!isRecord(body)) return undefined;
  const fault = body.Fault ?? body.fault;
  if (!isRecord(fault)) return undefined;
  const rawErrors = fault.Error ?? fault.error;
  const errors = (Array.isArray(rawErrors) ? rawErrors : isRecord(rawErrors) ? [rawErrors] : [])
    .filter(isRecord)
    .map((error) => ({
      message: text(field(error, 'message')),
      detail: text(field(error, 'detail')),
      code: text(field(error, 'code')) ?? text(error.errorCode),
      element: text(field(error, 'element')),
    }));
  return { type: text(fault.type ?? fault.Type), errors };
}

/**
 * The numeric error code of the first error. Intuit puts it in `code` ("3200"), and sometimes only in
 * the message ("message=AuthenticationFailed; errorCode=003200; statusCode=401").
 */
export function faultCode(fault: IntuitFault): string | undefined {
  for (const error of fault.errors) {
    if (error.code) return error.code;
    const match = /errorCode=0*(\d+)/.exec(error.message ?? '');
    if (match?.[1]) return match[1];
  }
  return undefined;
}

/** "Message — Detail" of every error, for an error message (redacted by the caller). */
export function describeFault(fault: IntuitFault): string {
  const parts = fault.errors.map((error) => [error.message, error.detail].filter(Boolean).join(' — '));
  return parts.filter(Boolean).join('; ') || 'no error detail';
}
