/**
 * The API's one error vocabulary: every failure a client can see is an `ApiError` with a stable code,
 * and the code decides the status. Bad input always maps to a 4xx; only our own faults are 5xx.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  invalid_json: 400,
  invalid_cursor: 400,
  state_missing: 400,
  state_invalid: 400,
  state_expired: 400,
  state_consumed: 400,
  state_not_for_this_session: 400,
  callback_incomplete: 400,
  realm_not_authorized: 400,
  authorization_code_rejected: 400,
  webhook_body_invalid: 400,
  unauthorized: 401,
  invalid_signature: 401,
  forbidden: 403,
  cross_origin_request: 403,
  not_found: 404,
  connection_not_found: 404,
  merchant_not_found: 404,
  api_key_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  connection_disconnected: 409,
  connection_not_authorized: 409,
  connection_needs_reauthorization: 409,
  realm_mismatch: 409,
  realm_already_connected: 409,
  authorization_already_completed: 409,
  code_already_used: 409,
  workflow_not_running: 409,
  last_active_api_key: 409,
  too_many_api_keys: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  quickbooks_unavailable: 502,
  temporal_unavailable: 503,
  webhooks_not_configured: 503,
  not_ready: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: ErrorStatus;

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra top-level fields of the error response (e.g. the connection's current state). */
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
}

export interface ErrorBody {
  error: { code: string; message: string; requestId: string };
  [extra: string]: unknown;
}

export function errorBody(code: string, message: string, requestId: string, extra: Record<string, unknown> = {}): ErrorBody {
  return { ...extra, error: { code, message, requestId } };
}
