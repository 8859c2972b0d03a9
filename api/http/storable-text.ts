/**
 * Text Postgres can store: every string a request carries is checked here before a handler sees it
 * (`createRouter`'s validation hook, and `decodeCursor` for what a cursor decodes to). Postgres refuses
 * U+0000 in `text` and `jsonb` (a 500 if it got that far); a lone UTF-16 surrogate is not Unicode, and
 * the driver would silently store U+FFFD in its place; an over-long value is never legitimate here
 * (every field has its own, smaller limit) and could exceed a btree index entry.
 */

/** Above every field's own limit (the longest, an OAuth code or a `next` path, is 2,048). */
export const MAX_TEXT_CHARS = 4_096;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type UnstorableReason = 'contains U+0000' | 'is not valid Unicode (lone surrogate)' | `is longer than ${number} characters`;

export function unstorableReason(text: string): UnstorableReason | undefined {
  if (text.length > MAX_TEXT_CHARS) return `is longer than ${MAX_TEXT_CHARS} characters`;
  if (text.includes('\u0000')) return 'contains U+0000';
  if (LONE_SURROGATE.test(text)) return 'is not valid Unicode (lone surrogate)';
  return undefined;
}

export interface UnstorableText {
  /** Where the text is, e.g. ['name'] or ['entities', '0']. */
  path: string[];
  reason: UnstorableReason;
}

const MAX_DEPTH = 32;

/** The first string (value or object key) in a parsed value that Postgres could not store as given. */
export function findUnstorableText(value: unknown, path: string[] = []): UnstorableText | undefined {
  if (typeof value === 'string') {
    const reason = unstorableReason(value);
    return reason ? { path, reason } : undefined;
  }
  if (typeof value !== 'object' || value === null || path.length > MAX_DEPTH) return undefined;
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value);
  for (const [key, item] of entries) {
    const keyReason = unstorableReason(key);
    if (keyReason) return { path: [...path, 'key'], reason: keyReason };
    const found = findUnstorableText(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}
