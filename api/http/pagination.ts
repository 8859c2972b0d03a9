/**
 * Keyset pagination: `limit` and `cursor` parameters, `{ data, nextCursor }` pages, and opaque cursors
 * (base64url JSON validated by a schema, so a forged cursor is a 400, never a 500). A cursor is decoded
 * after the request's own validation, so its text gets the same storable-text check here.
 */
import { z } from '@hono/zod-openapi';
import { ApiError } from './errors.js';
import { findUnstorableText } from './storable-text.js';

export const limitParam = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback).openapi({ param: { name: 'limit', in: 'query' }, type: 'integer' });

export const cursorParam = z.string().max(512).optional().openapi({ param: { name: 'cursor', in: 'query' }, description: 'nextCursor of the previous page' });

export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() }).openapi(name);
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T extends z.ZodType>(cursor: string | undefined, schema: T): z.infer<T> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // Checked before the schema strips unknown keys: a cursor we issued never holds such text anywhere.
    const parsed = findUnstorableText(decoded) ? undefined : schema.safeParse(decoded);
    if (parsed?.success) return parsed.data;
  } catch {
    // fall through: not base64url JSON
  }
  throw new ApiError('invalid_cursor', 'The cursor is not one this API issued.');
}

/** Fetch one more row than asked to learn whether another page exists. */
export function page<T>(rows: T[], limit: number, cursorOf: (last: T) => unknown): { data: T[]; nextCursor: string | null } {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}
