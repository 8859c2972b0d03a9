/**
 * A JSON answer that keeps QuickBooks' number text: bodies holding lossless-json numbers (a stored
 * record's `raw`, parsed with quickbooks/json.ts) are written with lossless-json, so "1005.00" leaves as
 * 1005.00 — JSON.stringify would write 1005. Typed like `c.json` for the OpenAPI routes.
 */
import type { Context, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';
import { stringifyRaw } from '../../quickbooks/json.js';

export function exactJson<T, S extends ContentfulStatusCode>(c: Context, body: T, status: S): TypedResponse<JSONParsed<T>, S, 'json'> {
  // The text is JSON of exactly `T`; only its serializer differs from c.json's.
  return c.body(stringifyRaw(body), status, { 'content-type': 'application/json' }) as unknown as TypedResponse<JSONParsed<T>, S, 'json'>;
}
