/**
 * Compares what we stored for a connection with the simulator's truth (its snapshot): the check behind
 * the workflow tests, the chaos run and the benchmarks. "Nothing lost, nothing duplicated."
 */
import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { recordIdentities } from '../db/queries/records.js';
import { quickbooksRecords } from '../db/schema/index.js';

export interface SnapshotEntry {
  id: string;
  syncToken: string;
  deleted: boolean;
}
export interface Snapshot {
  entities: Record<string, SnapshotEntry[]>;
}

export interface RecordComparison {
  /** Live in QuickBooks, absent here. */
  lost: number;
  /** More than one stored row for one QuickBooks object. */
  duplicated: number;
  /** Stored, but with another SyncToken, the wrong deleted flag, or unknown to QuickBooks. */
  mismatched: number;
  /** Up to 20 examples, for failure messages. */
  examples: string[];
  live: number;
}

export async function compareWithSnapshot(db: Executor, connectionId: string, snapshot: Snapshot): Promise<RecordComparison> {
  const stored = await recordIdentities(db, connectionId);
  const ours = new Map(stored.map((row) => [`${row.entity}/${row.qboId}`, row]));
  const result: RecordComparison = { lost: 0, duplicated: 0, mismatched: 0, examples: [], live: 0 };
  const note = (text: string) => void (result.examples.length < 20 && result.examples.push(text));

  const known = new Set<string>();
  for (const [entity, entries] of Object.entries(snapshot.entities)) {
    for (const truth of entries) {
      const key = `${entity}/${truth.id}`;
      known.add(key);
      const mine = ours.get(key);
      if (truth.deleted) {
        // Created and deleted while we were not looking: never having stored it is as right as a tombstone.
        if (mine && !mine.deleted) {
          result.mismatched += 1;
          note(`${key} is deleted in QuickBooks but live here`);
        }
        continue;
      }
      result.live += 1;
      if (!mine) {
        result.lost += 1;
        note(`${key} (SyncToken ${truth.syncToken}) is missing`);
      } else if (mine.deleted || String(mine.syncToken) !== truth.syncToken) {
        result.mismatched += 1;
        note(`${key}: QuickBooks has SyncToken ${truth.syncToken}, we have ${mine.syncToken}${mine.deleted ? ' (deleted)' : ''}`);
      }
    }
  }
  for (const key of ours.keys()) {
    if (!known.has(key)) {
      result.mismatched += 1;
      note(`${key} is stored but unknown to QuickBooks`);
    }
  }

  // The primary key forbids duplicates; this counts them anyway so a schema change cannot hide one.
  const groups = await db
    .select({ rows: sql<number>`count(*)::int` })
    .from(quickbooksRecords)
    .where(eq(quickbooksRecords.connectionId, connectionId))
    .groupBy(quickbooksRecords.entity, sql`${quickbooksRecords.raw} ->> 'Id'`)
    .having(sql`count(*) > 1`);
  result.duplicated = groups.reduce((sum, group) => sum + group.rows - 1, 0);
  return result;
}
