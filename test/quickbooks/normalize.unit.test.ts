import { describe, expect, it } from 'vitest';
import { NormalizationError, PermanentQuickBooksError } from '../../quickbooks/errors.js';
import { parseJsonExactly } from '../../quickbooks/json.js';
import { normalizeRecord } from '../../quickbooks/normalize.js';
import type { QuickBooksObject } from '../../quickbooks/types.js';

// Shaped like the sandbox invoices recorded in minimul/qbo_api spec/vcr/create/invoice.yml.
const INVOICE_TEXT = `{"Deposit":0,"AllowIPNPayment":false,"domain":"QBO","sparse":false,"Id":"130","SyncToken":"3",
"MetaData":{"CreateTime":"2023-02-17T12:51:28-08:00","LastUpdatedTime":"2023-02-18T09:00:05-08:00"},
"CustomField":[],"DocNumber":"1037","TxnDate":"2023-02-17","CurrencyRef":{"value":"USD","name":"United States Dollar"},
"Line":[{"Id":"1","LineNum":1,"Amount":1234.50,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"5","name":"Rock Fountain"},"UnitPrice":411.5,"Qty":3,"TaxCodeRef":{"value":"TAX"}}},
{"Amount":1234.50,"DetailType":"SubTotalLineDetail","SubTotalLineDetail":{}}],
"TxnTaxDetail":{"TxnTaxCodeRef":{"value":"2"},"TotalTax":98.76,"TaxLine":[{"Amount":98.76,"DetailType":"TaxLineDetail","TaxLineDetail":{"TaxRateRef":{"value":"3"},"PercentBased":true,"TaxPercent":8,"NetAmountTaxable":1234.50}}]},
"CustomerRef":{"value":"24","name":"Sonnenschein Family Store"},
"BillAddr":{"Id":"95","Line1":"Russ Sonnenschein","Line2":"Sonnenschein Family Store","Line3":"5647 Cypress Hill Ave.","City":"Middlefield","CountrySubDivisionCode":"CA","PostalCode":"94303","Country":"USA"},
"ShipAddr":{"Id":"25","Line1":"5647 Cypress Hill Ave.","City":"Middlefield","CountrySubDivisionCode":"CA","PostalCode":"94303"},
"TotalAmt":1333.26,"Balance":1333.26000000000000001}`;

describe('normalizeRecord', () => {
  it('extracts what a sales-tax product needs, amounts as exact text', () => {
    const invoice = parseJsonExactly(INVOICE_TEXT) as QuickBooksObject;
    const record = normalizeRecord('Invoice', invoice);
    expect(record).toMatchObject({
      entity: 'Invoice',
      qboId: '130',
      syncToken: 3,
      deleted: false,
      docNumber: '1037',
      txnDate: '2023-02-17',
      currency: 'USD',
      totalAmount: '1333.26',
      totalTax: '98.76',
      balance: '1333.26000000000000001',
      customerId: '24',
      customerName: 'Sonnenschein Family Store',
      billAddress: { line1: 'Russ Sonnenschein', line2: 'Sonnenschein Family Store', city: 'Middlefield', region: 'CA', postalCode: '94303', country: 'USA' },
      shipAddress: { line1: '5647 Cypress Hill Ave.', line2: null, city: 'Middlefield', region: 'CA', postalCode: '94303', country: null },
      active: null,
    });
    expect(record.lastUpdatedTime.toISOString()).toBe('2023-02-18T17:00:05.000Z');
    expect(record.rawJson).toBe(INVOICE_TEXT.replace(/\n/g, ''));
  });

  it('a CDC deleted stub is deleted with a null syncToken (it has none)', () => {
    const stub = parseJsonExactly('{"domain":"QBO","status":"Deleted","Id":"266","MetaData":{"LastUpdatedTime":"2024-05-01T10:00:00-07:00"}}') as QuickBooksObject;
    const record = normalizeRecord('Invoice', stub);
    expect(record).toMatchObject({ qboId: '266', deleted: true, syncToken: null, totalAmount: null, customerId: null });
    expect(record.lastUpdatedTime.toISOString()).toBe('2024-05-01T17:00:00.000Z');
  });

  it('name-list entities carry Active; a Customer is its own customer', () => {
    const customer = { Id: '24', SyncToken: '0', MetaData: { LastUpdatedTime: '2024-01-01T00:00:00Z' }, DisplayName: 'Acme (deleted)', Active: false, Balance: 0 };
    expect(normalizeRecord('Customer', customer)).toMatchObject({ active: false, customerId: '24', customerName: 'Acme (deleted)', balance: '0' });
    const item = { Id: '5', SyncToken: '1', MetaData: { LastUpdatedTime: '2024-01-01T00:00:00Z' }, Name: 'Rock Fountain', Active: true };
    expect(normalizeRecord('Item', item)).toMatchObject({ active: true, billAddress: null, totalAmount: null });
  });

  it('rejects objects it cannot store, with a typed, permanent error', () => {
    const bad: QuickBooksObject[] = [
      { SyncToken: '0', MetaData: { LastUpdatedTime: '2024-01-01T00:00:00Z' } },
      { Id: '1', SyncToken: '0' },
      { Id: '1', SyncToken: '0', MetaData: { LastUpdatedTime: 'not a date' } },
      { Id: '1', MetaData: { LastUpdatedTime: '2024-01-01T00:00:00Z' } },
      { Id: '1', SyncToken: '0', MetaData: { LastUpdatedTime: '2024-01-01T00:00:00Z' }, TotalAmt: 'lots' },
      { Id: '1', SyncToken: '0', MetaData: { LastUpdatedTime: '2024-01-01T00:00:00Z' }, TxnDate: '01/02/2024' },
    ];
    for (const object of bad) {
      const attempt = () => normalizeRecord('Invoice', object);
      expect(attempt, JSON.stringify(object)).toThrow(NormalizationError);
      expect(attempt).toThrow(PermanentQuickBooksError);
    }
  });
});
