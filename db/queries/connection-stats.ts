import { sql } from 'drizzle-orm';
import type { ConnectionStatus } from '../../shared/contract.js';
import type { Executor } from '../client.js';
import { connections } from '../schema/index.js';

/** How many connections are in each status (the metrics scrape reads this). */
export async function countConnectionsByStatus(db: Executor): Promise<Map<ConnectionStatus, number>> {
  const rows = await db
    .select({ status: connections.status, count: sql<number>`count(*)::int` })
    .from(connections)
    .groupBy(connections.status);
  return new Map(rows.map((row) => [row.status, row.count]));
}
