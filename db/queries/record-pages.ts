/**
 * Stores one QuickBooks answer — a query page or a CDC answer — handed over as the response text: Postgres
 * unpacks it (`store_record_page`, migration 0005), extracts the typed columns exactly (amounts as
 * `numeric`, straight from the number text), applies the version rule of `upsertRecordVersions`, and
 * answers with the counts and the cursor values in the same statement. Node never parses the page.
 */
import { sql } from 'drizzle-orm';
import type { QuickBooksEntity } from '../../shared/contract.js';
import type { RecordCounts } from '../../shared/workflow-payloads.js';
import type { Executor } from '../client.js';

export interface StoreRecordPageParams {
  connectionId: string;
  /** The response body as QuickBooks sent it. */
  bodyText: string;
  /** A CDC answer (every entity listed) or a query page (of the one entity listed). */
  kind: 'query' | 'cdc';
  entities: readonly QuickBooksEntity[];
  /** Records at this LastUpdatedTime with these ids are stored already: counted as skipped, not written. */
  skip?: { at: string; ids: readonly string[] } | undefined;
  /** Store nothing when the answer holds at least this many objects (a capped CDC answer is asked again). */
  storeBelow?: number | undefined;
}

export interface StoredPage {
  /** Objects in the answer (of the listed entities). */
  objectCount: number;
  /** False when `storeBelow` held the answer back. */
  stored: boolean;
  counts: Partial<Record<QuickBooksEntity, RecordCounts>>;
  /** The last record's MetaData.LastUpdatedTime (ISO, UTC), null for an empty answer. */
  newest: string | null;
  /** Ids of the records at `newest`, in the answer's order. */
  idsAtNewest: string[];
  /** The answer's `time` field as sent (a string, a number of milliseconds, or absent). */
  time: unknown;
}

/** SQLSTATEs the function raises (see the migration). */
export const UNSTORABLE_RECORD = 'QB001';
export const UNEXPECTED_ANSWER = 'QB002';

export async function storeRecordPage(db: Executor, params: StoreRecordPageParams): Promise<StoredPage> {
  const skipIds = `{${(params.skip?.ids ?? []).map((id) => `"${id.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  const entities = `{${params.entities.join(',')}}`;
  const result: unknown = await db.execute(sql`select store_record_page(
    ${params.connectionId}::uuid, ${params.bodyText}::text, ${params.kind === 'cdc'}::boolean, ${entities}::text[],
    ${params.skip?.at ?? null}::timestamptz, ${skipIds}::text[], ${params.storeBelow ?? null}::integer) as page`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { page: string }[];
  const page = rows[0]?.page;
  if (typeof page !== 'string') throw new Error('store_record_page answered nothing');
  return JSON.parse(page) as StoredPage;
}

/** The SQLSTATE and message of a database error, through drizzle's wrapper (`cause`) when there is one. */
export function databaseErrorOf(error: unknown): { code: string; message: string } | undefined {
  for (let current = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth += 1) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && typeof message === 'string') return { code, message };
  }
  return undefined;
}
