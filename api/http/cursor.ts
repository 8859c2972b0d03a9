/** Opaque pagination cursors: base64url JSON validated by a schema, so a forged cursor is a 400, never a 500. */
import type { z } from 'zod';
import { ApiError } from './errors.js';

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T extends z.ZodType>(cursor: string | undefined, schema: T): z.infer<T> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
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
