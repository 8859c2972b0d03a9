import { describe, expect, it } from 'vitest';
import { PermanentQuickBooksError } from '../../quickbooks/errors.js';
import { changedSinceCondition, changedSinceQuery, countQuery, formatDateTime, stringLiteral } from '../../quickbooks/queries.js';
import type { QuickBooksEntity } from '../../shared/contract.js';

describe('changedSinceQuery', () => {
  it('builds the incremental statement for a transaction', () => {
    expect(changedSinceQuery({ entity: 'Invoice', since: new Date('2024-03-01T10:20:30.456Z'), startPosition: 201, maxResults: 200 })).toBe(
      "SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime >= '2024-03-01T10:20:30Z' ORDERBY MetaData.LastUpdatedTime STARTPOSITION 201 MAXRESULTS 200",
    );
  });

  it('asks for inactive name-list records too (Customer, Item)', () => {
    for (const entity of ['Customer', 'Item'] as const) {
      expect(changedSinceQuery({ entity, since: '2024-01-01T00:00:00Z' })).toBe(
        `SELECT * FROM ${entity} WHERE MetaData.LastUpdatedTime >= '2024-01-01T00:00:00Z' AND Active IN (true, false) ORDERBY MetaData.LastUpdatedTime STARTPOSITION 1 MAXRESULTS 1000`,
      );
    }
  });

  it('accepts a QuickBooks timestamp with an offset and states it in UTC', () => {
    expect(formatDateTime('2023-02-17T12:51:28-08:00')).toBe('2023-02-17T20:51:28Z');
  });

  it('refuses anything that could change the statement', () => {
    const attempts: (() => string)[] = [
      () => changedSinceQuery({ entity: 'Invoice WHERE 1=1 --' as QuickBooksEntity, since: new Date() }),
      () => changedSinceQuery({ entity: 'Invoice', since: "2024-01-01' OR '1'='1" }),
      () => changedSinceQuery({ entity: 'Invoice', since: 'yesterday' }),
      () => changedSinceQuery({ entity: 'Invoice', since: new Date(), startPosition: 0 }),
      () => changedSinceQuery({ entity: 'Invoice', since: new Date(), maxResults: 1001 }),
      () => changedSinceQuery({ entity: 'Invoice', since: new Date(), startPosition: 1.5 }),
      () => countQuery({ entity: 'Invoice', where: "Id = '1' ORDERBY Id" }),
      () => countQuery({ entity: 'Invoice', where: "Id = '1'; SELECT * FROM Customer" }),
    ];
    for (const attempt of attempts) expect(attempt).toThrow(PermanentQuickBooksError);
  });

  it('quotes string literals', () => {
    expect(stringLiteral("O'Brien \\ Co")).toBe("'O\\'Brien \\\\ Co'");
    expect(() => stringLiteral('a\nb')).toThrow(PermanentQuickBooksError);
  });
});

describe('countQuery', () => {
  it('counts transactions, and name-list entities including inactive ones, once', () => {
    expect(countQuery({ entity: 'Invoice' })).toBe('SELECT COUNT(*) FROM Invoice');
    expect(countQuery({ entity: 'Customer' })).toBe('SELECT COUNT(*) FROM Customer WHERE Active IN (true, false)');
    const where = changedSinceCondition({ entity: 'Customer', since: '2024-01-01T00:00:00Z' });
    expect(countQuery({ entity: 'Customer', where })).toBe(
      "SELECT COUNT(*) FROM Customer WHERE MetaData.LastUpdatedTime >= '2024-01-01T00:00:00Z' AND Active IN (true, false)",
    );
  });
});
