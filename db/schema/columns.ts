import { timestamp } from 'drizzle-orm/pg-core';

/** Timestamps are always `timestamptz`: QuickBooks sends local offsets, we compare instants. */
export const instant = (name?: string) => (name ? timestamp(name, { withTimezone: true, mode: 'date' }) : timestamp({ withTimezone: true, mode: 'date' }));

export const createdAt = () => instant().notNull().defaultNow();
