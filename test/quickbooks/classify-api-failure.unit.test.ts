/**
 * Classification of Accounting API answers recorded from Intuit (bodies quoted in
 * reference/quickbooks-online.md §3 "Faults": qbo_api cassettes, ruckus fixtures, oauth-jsclient issues).
 */
import { describe, expect, it } from 'vitest';
import { classifyApiAnswer, classifyNoAnswer, parseRetryAfter, unreadableSuccess, type ApiAnswer, type RequestContext } from '../../quickbooks/classify-api-failure.js';
import { AccessForbiddenError, AccessTokenRejectedError, PermanentQuickBooksError, ThrottledError, TransientQuickBooksError } from '../../quickbooks/errors.js';
import { parseJsonExactly } from '../../quickbooks/json.js';

const ACCESS_TOKEN = 'eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..AB016xyzSecretAccessTokenValue0123456789';
const context: RequestContext = { operation: 'query', realmId: '9130354791234567', secrets: [ACCESS_TOKEN] };

function answer(status: number, bodyText: string, headers: { tid?: string; retryAfter?: string } = {}): ApiAnswer {
  let body: unknown;
  try {
    body = parseJsonExactly(bodyText);
  } catch {
    body = undefined;
  }
  return { status, body, bodyText, intuitTid: headers.tid, retryAfterHeader: headers.retryAfter ?? null };
}

// qbo_api spec/vcr/error/401.yml: the lowercase envelope, with a token fragment in `detail`.
const RECORDED_401 =
  '{"warnings":null,"intuitObject":null,"fault":{"error":[{"message":"message=AuthenticationFailed; errorCode=003200; statusCode=401","detail":"Token expired: AB01601391072830xQz9LkPq3RtT7v","code":"3200","element":null}],"type":"AUTHENTICATION"},"report":null,"queryResponse":null,"batchItemResponse":[],"attachableResponse":[],"syncErrorResponse":null,"requestId":null,"time":1601391072830,"status":null,"cdcresponse":[]}';

describe('classifyApiAnswer', () => {
  it('401 with the lowercase fault → AccessTokenRejectedError, code 3200, token fragment redacted, tid kept', () => {
    const error = classifyApiAnswer(answer(401, RECORDED_401, { tid: '1-5f7349e0-2c6ea9e27f7a27d96ad4fc2a' }), context);
    expect(error).toBeInstanceOf(AccessTokenRejectedError);
    expect(error).toMatchObject({ name: 'AccessTokenRejectedError', kind: 'access_token_rejected', status: 401, code: '3200', faultType: 'AUTHENTICATION', retryable: true });
    expect(error.intuitTid).toBe('1-5f7349e0-2c6ea9e27f7a27d96ad4fc2a');
    expect(error.message).not.toContain('AB016');
    expect(error.message).toContain('Token expired: [redacted]');
    expect(error.message).toContain('realm 9130354791234567');
    expect(error.message).toContain('Intuit-Tid 1-5f7349e0-2c6ea9e27f7a27d96ad4fc2a');
  });

  it('401 "Malformed bearer token" and code 120 → AccessTokenRejectedError', () => {
    const malformed = '{"fault":{"error":[{"message":"message=AuthenticationFailed; errorCode=003200; statusCode=401","detail":"Malformed bearer token: too short or too long","code":"3200"}],"type":"AUTHENTICATION"}}';
    expect(classifyApiAnswer(answer(401, malformed), context)).toBeInstanceOf(AccessTokenRejectedError);
    const code120 = '{"Fault":{"Error":[{"Message":"Authorization Failure","Detail":"-11014-You do not have access to use QuickBooks Online Plus.","code":"120"}],"type":"AuthorizationFault"}}';
    const error = classifyApiAnswer(answer(401, code120), context);
    expect(error).toBeInstanceOf(AccessTokenRejectedError);
    expect(error.code).toBe('120');
  });

  it('an access token echoed anywhere in a body never reaches the message', () => {
    const echo = `{"fault":{"error":[{"message":"bad bearer","detail":"Bearer ${ACCESS_TOKEN} rejected","code":"100"}],"type":"AUTHENTICATION"}}`;
    const error = classifyApiAnswer(answer(401, echo), context);
    expect(error.message).not.toContain(ACCESS_TOKEN);
    expect(error.message).not.toContain('AB016xyz');
  });

  it('400 ValidationFault (capitalized envelope) → PermanentQuickBooksError', () => {
    const body = '{"Fault":{"Error":[{"Message":"Duplicate Name Exists Error","Detail":"The name supplied already exists. : Another customer is already using this name.","code":"6240","element":""}],"type":"ValidationFault"},"time":"2015-04-13T13:23:50.063-07:00"}';
    const error = classifyApiAnswer(answer(400, body), context);
    expect(error).toBeInstanceOf(PermanentQuickBooksError);
    expect(error).toMatchObject({ code: '6240', faultType: 'ValidationFault', retryable: false, status: 400 });
    expect(error.message).toContain('Duplicate Name Exists Error');
  });

  it('400 QueryParserError and 610 Object Not Found → PermanentQuickBooksError', () => {
    const parser = '{"Fault":{"Error":[{"Message":"Error parsing query","Detail":"QueryParserError: Encountered \\" <INTEGER> \\"1 \\"\\" at line 1, column 30.","code":"4000"}],"type":"ValidationFault"},"time":"2024-01-01T00:00:00.000-08:00"}';
    expect(classifyApiAnswer(answer(400, parser), context)).toBeInstanceOf(PermanentQuickBooksError);
    const notFound = '{"Fault":{"Error":[{"Message":"Object Not Found","Detail":"Object Not Found : Something you\'re trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.","code":"610","element":""}],"type":"ValidationFault"},"time":"2024-01-01T00:00:00.000-08:00"}';
    const error = classifyApiAnswer(answer(400, notFound), { ...context, operation: 'read', entity: 'Invoice 42' });
    expect(error).toBeInstanceOf(PermanentQuickBooksError);
    expect(error.code).toBe('610');
    expect(error.message).toContain('read Invoice 42');
  });

  it('403 AuthorizationFailed 3100 (lowercase, from a wrong environment) → AccessForbiddenError, a permanent failure', () => {
    const body = '{"fault":{"error":[{"message":"message=AuthorizationFailed; errorCode=003100; statusCode=403","detail":"","code":"3100"}],"type":"SERVICE"}}';
    const error = classifyApiAnswer(answer(403, body), context);
    expect(error).toBeInstanceOf(AccessForbiddenError);
    expect(error).toBeInstanceOf(PermanentQuickBooksError);
    expect(error.code).toBe('3100');
  });

  it('the error code is read from the message when `code` is absent', () => {
    const body = '{"fault":{"error":[{"message":"message=AuthorizationFailed; errorCode=003100; statusCode=403"}],"type":"SERVICE"}}';
    expect(classifyApiAnswer(answer(403, body), context).code).toBe('3100');
  });

  it('429 ThrottleExceeded → ThrottledError waiting at least 60 s, longer when Retry-After says so', () => {
    const body = '{"Fault":{"Error":[{"Message":"message=ThrottleExceeded; errorCode=003001; statusCode=429","Detail":"The request limit was reached.  Try again later","code":"3001"}],"type":"SERVICE"},"time":"2024-01-01T00:00:00.000-08:00"}';
    const plain = classifyApiAnswer(answer(429, body), context);
    expect(plain).toBeInstanceOf(ThrottledError);
    expect((plain as ThrottledError).retryAfterMs).toBe(60_000);
    expect(plain.retryable).toBe(true);
    expect((classifyApiAnswer(answer(429, body, { retryAfter: '120' }), context) as ThrottledError).retryAfterMs).toBe(120_000);
    expect((classifyApiAnswer(answer(429, body, { retryAfter: '5' }), context) as ThrottledError).retryAfterMs).toBe(60_000);
    expect(classifyApiAnswer(answer(429, ''), context)).toBeInstanceOf(ThrottledError);
  });

  it('the older 403-with-3001 throttle → ThrottledError', () => {
    const body = '{"Fault":{"Error":[{"Message":"message=ThrottleExceeded; errorCode=003001; statusCode=403","Detail":"The request limit was reached."}],"type":"SERVICE"}}';
    expect(classifyApiAnswer(answer(403, body), context)).toBeInstanceOf(ThrottledError);
  });

  it('5xx and 408 → TransientQuickBooksError; a SystemFault 500 too', () => {
    const systemFault = '{"Fault":{"Error":[{"Message":"An application error has occurred while processing your request","Detail":"System Failure Error: null","code":"10000"}],"type":"SystemFault"}}';
    for (const [status, body] of [[500, systemFault], [502, '<html>Bad gateway</html>'], [503, ''], [504, ''], [408, '']] as const) {
      const error = classifyApiAnswer(answer(status, body), context);
      expect(error, `HTTP ${status}`).toBeInstanceOf(TransientQuickBooksError);
      expect(error.retryable).toBe(true);
    }
  });

  it('a Fault inside a 200 → PermanentQuickBooksError; any other 4xx too', () => {
    const body = '{"Fault":{"Error":[{"Message":"Invalid Company Status","Detail":"","code":"6190"}],"type":"ValidationFault"},"time":"x"}';
    expect(classifyApiAnswer(answer(200, body), context)).toBeInstanceOf(PermanentQuickBooksError);
    expect(classifyApiAnswer(answer(404, 'Not Found'), context)).toBeInstanceOf(PermanentQuickBooksError);
    expect(classifyApiAnswer(answer(405, ''), context)).toBeInstanceOf(PermanentQuickBooksError);
  });
});

describe('unreadableSuccess', () => {
  it('a 200 whose body is not JSON (a proxy page) → TransientQuickBooksError', () => {
    const error = unreadableSuccess(answer(200, '<html>Gateway</html>', { tid: '1-tid' }), context, 'a body that is not JSON');
    expect(error).toBeInstanceOf(TransientQuickBooksError);
    expect(error).toMatchObject({ status: 200, intuitTid: '1-tid', retryable: true });
    expect(error.message).toContain('answered HTTP 200 with a body that is not JSON');
  });
});

describe('classifyNoAnswer', () => {
  it('socket errors (hidden in fetch’s cause) → TransientQuickBooksError', () => {
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    expect(classifyNoAnswer(reset, context, {})).toBeInstanceOf(TransientQuickBooksError);
    const hangUp = new TypeError('fetch failed', { cause: new Error('other side closed') });
    expect(classifyNoAnswer(hangUp, context, {})).toBeInstanceOf(TransientQuickBooksError);
  });

  it('our timeout and the caller’s cancellation → TransientQuickBooksError naming which', () => {
    const timeout = classifyNoAnswer(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), context, { timedOutAfterMs: 30_000 });
    expect(timeout).toBeInstanceOf(TransientQuickBooksError);
    expect(timeout.message).toContain('timed out after 30000 ms');
    expect(classifyNoAnswer(new Error('aborted'), context, { cancelledByCaller: true }).message).toContain('cancelled');
  });

  it('an unrecognised failure is permanent, so a bug is not retried forever', () => {
    expect(classifyNoAnswer(new TypeError('Invalid URL'), context, {})).toBeInstanceOf(PermanentQuickBooksError);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('90')).toBe(90_000);
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:02:00 GMT', now)).toBe(120_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
