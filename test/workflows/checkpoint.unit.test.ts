/** How the checkpoint moves: the pure transitions the workflow and the record-storing activities share. */
import { describe, expect, it } from 'vitest';
import { afterChanges, afterPage, afterPass, initialCheckpoint, initialCursor, mirrorAfterPage, newPass, remainingEntities, rewindPass } from '../../shared/checkpoint.js';
import type { SyncCheckpoint } from '../../shared/workflow-payloads.js';

const page = (pages: number, done = false) => ({ ...initialCursor('2026-01-01T00:00:00.000Z'), pages, done });

describe('the checkpoint', () => {
  it('starts a backfill from the beginning of time for every entity, name lists first', () => {
    const pass = newPass('backfill', ['Invoice', 'Customer'], null);
    expect(remainingEntities(pass)).toEqual(['Customer', 'Invoice']);
    expect(pass.entities.Invoice).toEqual(initialCursor(null));
  });

  it('remembers the earliest QuickBooks time any page of a pass was answered at', () => {
    let checkpoint: SyncCheckpoint = { pass: newPass('backfill', ['Invoice', 'Customer'], null), changedSince: null };
    checkpoint = afterPage(checkpoint, 'Invoice', page(1), '2026-03-01T10:00:05.000Z');
    checkpoint = afterPage(checkpoint, 'Customer', page(1, true), '2026-03-01T10:00:02.000Z');
    checkpoint = afterPage(checkpoint, 'Invoice', page(2, true), '2026-03-01T10:00:09.000Z');
    expect(checkpoint.pass).toMatchObject({ startedAtServerTime: '2026-03-01T10:00:02.000Z', entities: { Invoice: { pages: 2, done: true }, Customer: { done: true } } });
    expect(remainingEntities(checkpoint.pass!)).toEqual([]);
  });

  it('continues CDC from where a backfill or catch-up began, but leaves it alone after a resync', () => {
    const pass = { ...newPass('backfill', ['Invoice'], null), startedAtServerTime: '2026-03-01T10:00:00.000Z' };
    expect(afterPass({ pass, changedSince: null })).toEqual({ pass: null, changedSince: '2026-03-01T10:00:00.000Z' });
    expect(afterPass({ pass: { ...pass, kind: 'catch_up' }, changedSince: '2026-02-01T00:00:00.000Z' })).toEqual({ pass: null, changedSince: '2026-03-01T10:00:00.000Z' });
    expect(afterPass({ pass: { ...pass, kind: 'resync' }, changedSince: '2026-02-20T00:00:00.000Z' })).toEqual({ pass: null, changedSince: '2026-02-20T00:00:00.000Z' });
    expect(afterPass({ pass: { ...pass, kind: 'resync' }, changedSince: null })).toEqual({ pass: null, changedSince: '2026-03-01T10:00:00.000Z' });
  });

  it('rewinds a running pass for a resync: entities past `since` or done start again there, others keep their place', () => {
    const pass = newPass('backfill', ['Invoice', 'Customer', 'Item'], null);
    pass.entities.Invoice = { ...page(3), watermark: '2026-03-01T00:00:00.000Z' };
    pass.entities.Customer = { ...page(1), watermark: '2025-01-01T00:00:00.000Z' };
    pass.entities.Item = { ...page(2, true), watermark: '2025-01-01T00:00:00.000Z' };
    const rewound = rewindPass(pass, ['Invoice', 'Customer', 'Item', 'Payment'], '2026-02-01T00:00:00.000Z');
    expect(rewound.entities.Invoice).toEqual(initialCursor('2026-02-01T00:00:00.000Z'));
    expect(rewound.entities.Customer).toBe(pass.entities.Customer);
    expect(rewound.entities.Item).toEqual(initialCursor('2026-02-01T00:00:00.000Z'));
    expect(rewound.entities.Payment).toEqual(initialCursor('2026-02-01T00:00:00.000Z'));
    expect(pass.entities.Invoice!.pages).toBe(3);
  });

  it('moves the incremental position after a pull, and refuses a page outside a pass', () => {
    expect(afterChanges(initialCheckpoint(), '2026-03-01T10:00:00.000Z')).toEqual({ pass: null, changedSince: '2026-03-01T10:00:00.000Z' });
    expect(() => afterPage(initialCheckpoint(), 'Invoice', page(1), '2026-03-01T10:00:00.000Z')).toThrow(/outside a pass/);
  });
});

describe('the mirror of a pass paged in lanes', () => {
  const pass = newPass('backfill', ['Invoice', 'Customer'], null);
  const fresh = (entity: 'Invoice' | 'Customer', pages: number, others: SyncCheckpoint['pass'] = pass): SyncCheckpoint => ({
    changedSince: null,
    pass: { ...others!, startedAtServerTime: '2026-03-01T10:00:00.000Z', entities: { ...others!.entities, [entity]: page(pages) } },
  });

  it('is written whole for a pass it does not know yet', () => {
    expect(mirrorAfterPage(null, fresh('Invoice', 1), 'Invoice')).toEqual(fresh('Invoice', 1));
    expect(mirrorAfterPage({ pass: null, changedSince: '2026-01-01T00:00:00.000Z' }, fresh('Invoice', 1), 'Invoice')).toEqual(fresh('Invoice', 1));
  });

  it("keeps every other entity's cursor as its own lane wrote it, even when this lane's view of it is older", () => {
    const afterCustomer = mirrorAfterPage(fresh('Invoice', 3), fresh('Customer', 2), 'Customer');
    // The Customer lane's view had Invoice at page 0; the mirror keeps page 3.
    expect(afterCustomer.pass!.entities).toMatchObject({ Invoice: { pages: 3 }, Customer: { pages: 2 } });
  });
});
