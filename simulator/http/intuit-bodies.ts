/**
 * Intuit's error bodies, as recorded from the real service (see reference §3 "Faults"). Note the two
 * envelopes: 401 and 403 use a lowercase `fault`/`error` shape; everything else uses `Fault`/`Error`.
 */
import { formatCompanyTime } from '../engine/company-time.js';

/**
 * The `time` field of Accounting API responses, company-local with milliseconds, as Intuit writes it
 * (`2015-07-24T06:04:21.387-07:00`). MetaData times have whole seconds, so a change made later in the
 * same second carries a LastUpdatedTime earlier than the `time` of an answer that did not include it:
 * a consumer that resumes CDC from `time` itself can miss it.
 */
export function responseTime(nowMs: number): string {
  return formatCompanyTime(nowMs, { millis: true });
}

function lowercaseFault(nowMs: number, error: { message: string; detail: string | null; code: string }, type: string) {
  return {
    warnings: null,
    intuitObject: null,
    fault: { error: [{ ...error, element: null }], type },
    report: null,
    queryResponse: null,
    batchItemResponse: [],
    attachableResponse: [],
    syncErrorResponse: null,
    requestId: null,
    time: nowMs,
    status: null,
    cdcresponse: [],
  };
}

export function authenticationFailed(nowMs: number, detail: string) {
  return lowercaseFault(nowMs, { message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', detail, code: '3200' }, 'AUTHENTICATION');
}

/** Recorded in intuit/oauth-jsclient#2 and mcohen01/node-quickbooks#154: `"detail":null`. */
export function authorizationFailed(nowMs: number) {
  return lowercaseFault(nowMs, { message: 'message=AuthorizationFailed; errorCode=003100; statusCode=403', detail: null, code: '3100' }, 'SERVICE');
}

function fault(nowMs: number, type: string, error: { Message: string; Detail: string; code: string; element?: string }) {
  return { Fault: { Error: [error], type }, time: responseTime(nowMs) };
}

export function validationFault(nowMs: number, message: string, detail: string, code: string) {
  return fault(nowMs, 'ValidationFault', { Message: message, Detail: detail, code, element: '' });
}

export function objectNotFound(nowMs: number, entity: string, id: string) {
  return validationFault(
    nowMs,
    'Object Not Found',
    `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. (${entity} ${id})`,
    '610',
  );
}

/** A read whose id is not a number: 2030 "Invalid ID". */
export function invalidId(nowMs: number, id: string) {
  return fault(nowMs, 'ValidationFault', { Message: 'Invalid ID', Detail: `Id should be a valid number. Supplied value:${id}`, code: '2030', element: 'id' });
}

/**
 * CDC without `entities`: Intuit answers HTTP 200 with a SystemFault 10000 (Message as in
 * ruckus/quickbooks-ruby spec/fixtures/generic_error.xml), not a 400.
 */
export function cdcWithoutEntities(nowMs: number) {
  return fault(nowMs, 'SystemFault', {
    Message: 'An application error has occurred while processing your request',
    Detail: 'System Failure Error: entities is required: a comma-separated list such as entities=Invoice,Customer',
    code: '10000',
  });
}

export function throttleExceeded(nowMs: number) {
  return fault(nowMs, 'SERVICE', {
    Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429',
    Detail: 'The request limit was reached.  Try again later',
    code: '3001',
  });
}

export function systemFailure(nowMs: number) {
  return fault(nowMs, 'SystemFault', {
    Message: 'An application error has occurred while processing your request',
    Detail: 'System Failure Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again. If the problem persists, contact customer support.',
    code: '10000',
  });
}

export function serviceUnavailable(nowMs: number) {
  return fault(nowMs, 'SystemFault', {
    Message: 'Service Unavailable',
    Detail: 'The service is temporarily unavailable. Please try again later; check status.developer.intuit.com.',
    code: '503',
  });
}

export function unsupportedOperation(nowMs: number, method: string, path: string) {
  return validationFault(nowMs, 'Unsupported Operation', `Operation ${method} ${path} is not supported.`, '500');
}
