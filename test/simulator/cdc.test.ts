/**
 * Change data capture: every change since a moment, across several entities, deleted transactions as
 * stubs, at most 1,000 objects per answer (cut off in Intuit's order: entity by entity, active objects
 * before deleted stubs), and never further back than 30 days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/index.js';
import { api, connect, faultError, ms, startTestSimulator, type ApiCall, type QboObject } from './support.js';

let simulator: RunningSimulator;
let realmId: string;
let token: string;

beforeAll(async () => {
  simulator = await startTestSimulator();
  realmId = (await simulator.control.createCompany({ seed: 21, invoices: 40, customers: 15, items: 8 })).realmId;
  ({ accessToken: token } = await connect(simulator, realmId));
});

afterAll(async () => {
  await simulator.close();
});

function cdc(entities: string, changedSince: string): Promise<ApiCall> {
  return api(simulator, realmId, token, `cdc?entities=${entities}&changedSince=${encodeURIComponent(changedSince)}&minorversion=75`);
}

/** The per-entity elements of a CDC answer. */
function groups(call: ApiCall): Record<string, unknown>[] {
  const [response] = call.body.CDCResponse as { QueryResponse: Record<string, unknown>[] }[];
  return response?.QueryResponse ?? [];
}

function objectsOf(call: ApiCall, entity: string): QboObject[] {
  return groups(call).flatMap((group) => (group[entity] as QboObject[] | undefined) ?? []);
}

/**
 * Moves the clock two seconds on and returns the new time, floored to the second: every change made
 * after the call is at or after it (LastUpdatedTime has second precision), and none made before is.
 */
async function mark(): Promise<string> {
  const { now } = await simulator.control.advanceClock('PT2S');
  return new Date(Math.floor(Date.parse(now) / 1000) * 1000).toISOString();
}

describe('CDC', () => {
  it('returns every change of every asked entity since a moment, one element per entity, {} for none', async () => {
    const since = await mark();
    const { changed } = await simulator.control.applyChanges(realmId, { create: { Invoice: 2 }, update: { Customer: 1, Invoice: 1 }, void: { Invoice: 1 }, delete: { Invoice: 1 } });
    const response = await cdc('Invoice,Customer,Item', since);
    expect(response.status).toBe(200);
    expect(response.body.time).toMatch(/-0[78]:00$/);
    const [invoices, customers, items] = groups(response);
    const invoiceIds = changed.filter((change) => change.entity === 'Invoice').map((change) => change.id);
    expect(invoices).toMatchObject({ startPosition: 1, maxResults: invoiceIds.length });
    expect(invoices).not.toHaveProperty('totalCount'); // as recorded (qbo_api spec/vcr/cdc/basic.yml)
    expect(objectsOf(response, 'Invoice').map((invoice) => invoice.Id).sort()).toEqual([...invoiceIds].sort());
    expect(objectsOf(response, 'Customer')).toHaveLength(1);
    expect(customers).toMatchObject({ maxResults: 1 });
    expect(items).toEqual({});

    const deletedId = changed.find((change) => change.op === 'delete')?.id;
    expect(objectsOf(response, 'Invoice').find((invoice) => invoice.Id === deletedId)).toEqual({
      domain: 'QBO',
      status: 'Deleted',
      Id: deletedId,
      MetaData: { LastUpdatedTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[78]:00$/) as string },
    });
    const voidedId = changed.find((change) => change.op === 'void')?.id;
    expect(objectsOf(response, 'Invoice').find((invoice) => invoice.Id === voidedId)).toMatchObject({ TotalAmt: 0, Balance: 0, PrivateNote: 'Voided' });
  });

  it('answers with only {} elements when nothing changed', async () => {
    const since = await mark();
    expect((await cdc('Invoice,Payment', since)).body).toEqual({ CDCResponse: [{ QueryResponse: [{}, {}] }], time: expect.any(String) as string });
  });

  it('shows a deactivated customer as a full object with Active false, not as a stub', async () => {
    const since = await mark();
    const { changed } = await simulator.control.applyChanges(realmId, { delete: { Customer: 1 } });
    const [customer] = objectsOf(await cdc('Customer', since), 'Customer');
    expect(customer).toMatchObject({ Id: changed[0]?.id, Active: false, DisplayName: expect.stringMatching(/ \(deleted\)$/) as string });
  });

  it('holds at most 1,000 objects, cut off in request order: entity by entity', async () => {
    const since = await mark();
    const customers = (await simulator.control.applyChanges(realmId, { create: { Customer: 600 } })).changed.map((change) => change.id);
    await mark();
    const invoices = (await simulator.control.applyChanges(realmId, { create: { Invoice: 600 } })).changed.map((change) => change.id);

    const response = await cdc('Invoice,Customer', since);
    expect(objectsOf(response, 'Invoice').map((invoice) => invoice.Id)).toEqual(invoices);
    expect(objectsOf(response, 'Customer').map((customer) => customer.Id)).toEqual(customers.slice(0, 400));
    expect(groups(response)[1]).toMatchObject({ startPosition: 1, maxResults: 400 });
  });

  it('lists an entity\'s active objects before its deleted stubs, so a capped answer can hold an active object newer than deletions it left out', async () => {
    await simulator.control.setConfig({ cdcMaxObjects: 3 });
    try {
      const since = await mark();
      const deleted = (await simulator.control.applyChanges(realmId, { delete: { Invoice: 2 } })).changed.map((change) => change.id);
      await mark();
      const updated = (await simulator.control.applyChanges(realmId, { update: { Invoice: 2 } })).changed.map((change) => change.id);

      const byId = (a: string, b: string) => Number(a) - Number(b);
      const answer = objectsOf(await cdc('Invoice', since), 'Invoice');
      const [keptDeletion, leftOutDeletion] = [...deleted].sort(byId);
      expect(answer.map((invoice) => [invoice.Id, invoice.status ?? 'active'])).toEqual([...[...updated].sort(byId).map((id) => [id, 'active']), [keptDeletion, 'Deleted']]);
      // The deletion left out is older than the newest object received: resuming from there would skip it.
      expect(ms(answer[0]!.MetaData.LastUpdatedTime)).toBeGreaterThan(ms(answer[2]!.MetaData.LastUpdatedTime));
      expect(answer.map((invoice) => invoice.Id)).not.toContain(leftOutDeletion);
    } finally {
      await simulator.control.setConfig({ cdcMaxObjects: 1000 });
    }
  });

  it('in adversarial order keeps any subset of a capped answer, the same one for the same seed and request', async () => {
    const since = await mark();
    const changed = (await simulator.control.applyChanges(realmId, { create: { Customer: 4, Item: 4 }, update: { Invoice: 4 }, delete: { Invoice: 4 } })).changed;
    await simulator.control.setConfig({ cdcMaxObjects: 5, cdcOrder: 'adversarial', cdcOrderSeed: 7 });
    try {
      const keys = (call: ApiCall) => ['Customer', 'Item', 'Invoice'].flatMap((entity) => objectsOf(call, entity).map((object) => `${entity}/${object.Id}`));
      const first = keys(await cdc('Customer,Item,Invoice', since));
      expect(first).toHaveLength(5);
      expect(keys(await cdc('Customer,Item,Invoice', since))).toEqual(first);
      const seen = new Set(first);
      for (let seed = 8; seed < 40; seed++) {
        await simulator.control.setConfig({ cdcOrderSeed: seed });
        for (const key of keys(await cdc('Customer,Item,Invoice', since))) seen.add(key);
      }
      // Every change shows up in some capped answer: none is privileged by its time, entity or kind.
      expect([...seen].sort()).toEqual(changed.map((change) => `${change.entity}/${change.id}`).sort());
    } finally {
      await simulator.control.setConfig({ cdcMaxObjects: 1000, cdcOrder: 'intuit' });
    }
  });

  it('refuses to look back more than 30 days', async () => {
    const now = Date.parse((await simulator.control.now()).now);
    const tooOld = await cdc('Invoice', new Date(now - 31 * 86_400_000).toISOString());
    expect(tooOld.status).toBe(400);
    expect(tooOld.body).toMatchObject({ Fault: { type: 'ValidationFault' } });
    expect(String(faultError(tooOld).Detail)).toMatch(/more than 30 days ago/);
    expect((await cdc('Invoice', new Date(now - 29 * 86_400_000).toISOString())).status).toBe(200);
  });

  it('answers a request without entities with HTTP 200 carrying a SystemFault 10000, as Intuit does', async () => {
    const response = await api(simulator, realmId, token, 'cdc?changedSince=2026-01-01');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      Fault: { Error: [{ Message: 'An application error has occurred while processing your request', Detail: expect.stringMatching(/^System Failure Error: /) as string, code: '10000' }], type: 'SystemFault' },
      time: expect.any(String) as string,
    });
  });

  it('answers other missing or invalid parameters with 400', async () => {
    const now = (await simulator.control.now()).now;
    for (const path of [`cdc?entities=Invoice`, `cdc?entities=Spaceship&changedSince=${now}`, 'cdc?entities=Invoice&changedSince=soon']) {
      const response = await api(simulator, realmId, token, path);
      expect(response.status, path).toBe(400);
      expect(faultError(response).code).toBe('2010');
    }
  });
});
