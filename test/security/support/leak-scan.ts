/**
 * Searches everything the product keeps or emits for secrets: every column of every table, every event
 * of every workflow history (payloads decoded), log text and HTTP bodies. A secret is searched as a
 * whole and by each distinctive fragment (the random segments of a JWE-shaped access token, the random
 * tail of a refresh token or code), so that a half-redacted or re-encoded leak is still found.
 */
import type { Client } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.js';

export interface Secret {
  /** What it is, for the failure message (e.g. "access_token of realm 934…"). */
  label: string;
  value: string;
}

export interface Leak {
  secret: string;
  fragment: string;
  where: string;
}

/** The protected header every Intuit access token starts with: public, identical for all tokens. */
const JWE_HEADER = 'eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0';
const MIN_FRAGMENT = 16;

/**
 * The value and its distinctive fragments: each segment (split on `.` and `-`) of at least 16 characters
 * other than the public JWE header, and that segment's first and last 16 characters, so that a token cut
 * short or with its head redacted is still found.
 */
export function fragmentsOf(value: string): string[] {
  const fragments = new Set<string>([value]);
  for (const part of value.split(/[.-]/)) {
    if (part.length < MIN_FRAGMENT || part === JWE_HEADER) continue;
    fragments.add(part);
    fragments.add(part.slice(0, MIN_FRAGMENT));
    fragments.add(part.slice(-MIN_FRAGMENT));
  }
  return [...fragments];
}

export function findLeaks(secrets: readonly Secret[], haystacks: Iterable<{ where: string; text: string }>): Leak[] {
  const needles = secrets.flatMap((secret) => fragmentsOf(secret.value).map((fragment) => ({ secret: secret.label, fragment })));
  const leaks: Leak[] = [];
  for (const { where, text } of haystacks) {
    for (const needle of needles) if (text.includes(needle.fragment)) leaks.push({ ...needle, fragment: `${needle.fragment.slice(0, 12)}…`, where });
  }
  return leaks;
}

/** One text per row of every table in every non-system schema (`row_to_json`: every column, whatever its type). */
export async function databaseTexts(db: Database): Promise<{ where: string; text: string }[]> {
  const tables = await db.execute<{ schema: string; name: string }>(sql`
    select table_schema as schema, table_name as name from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`);
  const texts: { where: string; text: string }[] = [];
  for (const table of rowsOf<{ schema: string; name: string }>(tables)) {
    const rows = await db.execute<{ row: string }>(sql`select row_to_json(t)::text as row from ${sql.identifier(table.schema)}.${sql.identifier(table.name)} t`);
    for (const [index, { row }] of rowsOf<{ row: string }>(rows).entries()) texts.push({ where: `table ${table.schema}.${table.name} row ${index}`, text: row });
  }
  return texts;
}

/** The columns the database has, by table, with their types (to report what was scanned). */
export async function databaseColumns(db: Database): Promise<Map<string, string[]>> {
  const columns = await db.execute<{ table: string; column: string; type: string }>(sql`
    select table_schema || '.' || table_name as table, column_name as column, data_type as type from information_schema.columns
    where table_schema not in ('pg_catalog', 'information_schema') order by 1, ordinal_position`);
  const byTable = new Map<string, string[]>();
  for (const { table, column, type } of rowsOf<{ table: string; column: string; type: string }>(columns)) byTable.set(table, [...(byTable.get(table) ?? []), `${column}:${type}`]);
  return byTable;
}

/**
 * Every run of every workflow on the task queue (continue-as-new runs included): each history as text
 * with every payload decoded (payload data is bytes, which JSON.stringify would hide as numbers), plus
 * the search attributes and memo of the run.
 */
export async function historyTexts(client: Client, taskQueue: string): Promise<{ where: string; text: string }[]> {
  const texts: { where: string; text: string }[] = [];
  for await (const execution of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const handle = client.workflow.getHandle(execution.workflowId, execution.runId);
    const history = await handle.fetchHistory();
    const description = await handle.describe();
    const where = `history of ${execution.workflowId} run ${execution.runId}`;
    texts.push({ where, text: readable(history) });
    texts.push({ where: `${where} (search attributes and memo)`, text: readable({ searchAttributes: description.searchAttributes, memo: description.memo, raw: description.raw }) });
  }
  return texts;
}

/**
 * JSON of a value with every payload readable: byte arrays written out as UTF-8 (and base64), and every
 * string that is base64 of UTF-8 text (how fetchHistory() hands payload `data` over) followed by its
 * decoded text.
 */
export function readable(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'string') {
      const decoded = decodedBase64Text(item);
      return decoded === undefined ? item : `${item} ⟨${decoded}⟩`;
    }
    // A Buffer reaches the replacer already turned into { type: 'Buffer', data: [...] } by its toJSON.
    const bytes = item instanceof Uint8Array ? item : isSerializedBuffer(item) ? Uint8Array.from(item.data) : undefined;
    if (bytes) {
      const buffer = Buffer.from(bytes);
      return { utf8: buffer.toString('utf8'), base64: buffer.toString('base64') };
    }
    if (typeof item === 'bigint') return item.toString();
    return item;
  });
}

function decodedBase64Text(text: string): string | undefined {
  if (text.length < 8 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  // Binary (a protobuf, an IV) is not text worth reading; text decodes without replacement characters.
  return decoded.includes('\uFFFD') || [...decoded].some(isControlCharacter) ? undefined : decoded;
}

function isControlCharacter(character: string): boolean {
  const code = character.charCodeAt(0);
  return code < 0x20 && character !== '\n' && character !== '\r' && character !== '\t';
}

function isSerializedBuffer(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data);
}

function rowsOf<T>(result: unknown): T[] {
  // postgres-js answers an array of rows; other drivers wrap them in `rows`.
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
