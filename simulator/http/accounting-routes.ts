/**
 * The Accounting API (`/v3/company/:realmId/…`): query, CDC, read-by-id, CompanyInfo and Preferences, behind Intuit's bearer-token
 * check (lowercase 401 fault with `WWW-Authenticate`, 403 for another company's URL) and per-realm
 * throttling. `minorversion` is accepted and echoed in the `Qbo-Minor-Version` header: like Intuit since
 * August 2025, anything below 75 is served as 75.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { collectChanges } from '../engine/cdc.js';
import { parseTimestamp } from '../engine/company-time.js';
import { ENTITY_KINDS, entityByName, type QuickBooksEntity } from '../engine/company/entity-kinds.js';
import { tokenPrefix } from '../engine/oauth/token-values.js';
import { intuitJson } from '../engine/data/json-text.js';
import { executeQuery } from '../engine/query/executor.js';
import { parseQuery } from '../engine/query/parser.js';
import { projectRecord } from '../engine/query/projection.js';
import { QueryError } from '../engine/query/query-errors.js';
import type { SimulatorEngine } from '../engine/simulator-engine.js';
import type { SimulatorEnv } from './env.js';
import { registerCompanyInfoRoutes } from './company-info-routes.js';
import { authenticationFailed, authorizationFailed, cdcWithoutEntities, invalidId, objectNotFound, responseTime, throttleExceeded, unsupportedOperation, validationFault } from './intuit-bodies.js';
import { sleep } from './sleep.js';

const MINIMUM_MINOR_VERSION = 75;
const DAY_MS = 86_400_000;

export function accountingRoutes(engine: SimulatorEngine, closing: AbortSignal): Hono<SimulatorEnv> {
  const api = new Hono<SimulatorEnv>();
  api.use('/v3/company/:realmId/*', authorizeAndThrottle(engine, closing));

  api.get('/v3/company/:realmId/query', (c) => answerQuery(engine, c, c.req.query('query') ?? ''));
  api.post('/v3/company/:realmId/query', async (c) => answerQuery(engine, c, await c.req.text()));
  api.get('/v3/company/:realmId/cdc', (c) => answerCdc(engine, c));
  registerCompanyInfoRoutes(api, engine, (c, now) => void answerTime(engine, c, now));
  api.get('/v3/company/:realmId/:entity/:id', (c) => {
    const now = engine.clock.now();
    const entity = entityByName(c.req.param('entity')); // invoice, salesreceipt, … (any case)
    if (!entity) return c.json(unsupportedOperation(now, c.req.method, new URL(c.req.url).pathname), 400);
    const company = engine.company(c.req.param('realmId'));
    const id = c.req.param('id');
    if (!/^\d+$/.test(id)) return c.json(invalidId(now, id), 400);
    const record = company.stores[entity].get(Number(id));
    if (!record || record.deleted) return c.json(objectNotFound(now, entity, id), 400);
    return jsonText(c, `{${JSON.stringify(entity)}:${company.bodies.json(entity, record)},"time":${JSON.stringify(answerTime(engine, c, now))}}`);
  });
  api.all('/v3/company/:realmId/*', (c) => c.json(unsupportedOperation(engine.clock.now(), c.req.method, new URL(c.req.url).pathname), 400));
  return api;
}

function authorizeAndThrottle(engine: SimulatorEngine, closing: AbortSignal): MiddlewareHandler<SimulatorEnv> {
  return async (c, next) => {
    const realmId = c.req.param('realmId') ?? '';
    const now = engine.clock.now();
    const token = /^bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const access = engine.oauth.checkAccessToken(token);
    if (!access.ok) {
      c.header('WWW-Authenticate', 'Bearer realm="Intuit", error="invalid_token"');
      const detail = {
        missing: 'Authorization header is missing or is not a Bearer token',
        malformed: 'Malformed bearer token: too short or too long',
        expired: `Token expired: ${tokenPrefix(token ?? '')}`,
        invalid: `Token revoked or invalid: ${tokenPrefix(token ?? '')}`,
      }[access.reason];
      return c.json(authenticationFailed(now, detail), 401);
    }
    if (access.grant.realmId !== realmId) {
      return c.json(authorizationFailed(now), 403);
    }
    const admitted = engine.throttle.tryAcquire(realmId, engine.config);
    if (admitted !== 'ok') return c.json(throttleExceeded(now), 429);
    try {
      const fault = c.get('fault');
      if (fault?.kind === 'latency') await sleep(fault.latencyMs, closing);
      const workStartedAt = performance.now();
      const minorVersion = Number(c.req.query('minorversion'));
      c.header('Qbo-Minor-Version', String(Number.isInteger(minorVersion) && minorVersion > MINIMUM_MINOR_VERSION ? minorVersion : MINIMUM_MINOR_VERSION));
      await next();
      // Intuit's Service-Time header; here it measures the simulator's own work (injected latency excluded).
      c.res.headers.set('Service-Time', `total=${Math.round(performance.now() - workStartedAt)}`);
    } finally {
      engine.throttle.release(realmId);
    }
  };
}

function answerQuery(engine: SimulatorEngine, c: Context<SimulatorEnv>, statement: string): Response {
  const now = engine.clock.now();
  const company = engine.company(c.req.param('realmId') ?? '');
  try {
    const outcome = executeQuery(parseQuery(statement), company, engine.config.queryMaxResults);
    if (outcome.select === 'count') return c.json({ QueryResponse: { totalCount: outcome.totalCount }, time: answerTime(engine, c, now) });
    if (outcome.records.length === 0) return c.json({ QueryResponse: {}, time: answerTime(engine, c, now) });
    const { fields } = outcome;
    const rows = outcome.records
      .map((record) => (fields ? intuitJson(projectRecord(company, outcome.entity, record, fields)) : company.bodies.json(outcome.entity, record)))
      .join(',');
    return jsonText(
      c,
      `{"QueryResponse":{${JSON.stringify(outcome.entity)}:[${rows}],"startPosition":${outcome.startPosition},"maxResults":${outcome.records.length}},"time":${JSON.stringify(answerTime(engine, c, now))}}`,
    );
  } catch (error) {
    if (error instanceof QueryError) return c.json(validationFault(now, error.faultMessage, error.detail, error.code), 400);
    throw error;
  }
}

function answerCdc(engine: SimulatorEngine, c: Context<SimulatorEnv>): Response {
  const now = engine.clock.now();
  const config = engine.config;
  const invalid = (detail: string) => c.json(validationFault(now, 'Invalid CDC request', detail, '2010'), 400);

  const names = (c.req.query('entities') ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) return c.json(cdcWithoutEntities(now), 200);
  const entities: QuickBooksEntity[] = [];
  for (const name of names) {
    const entity = entityByName(name);
    if (!entity) return invalid(`entities: ${name} is not an entity the simulator serves (${Object.keys(ENTITY_KINDS).join(', ')})`);
    if (!entities.includes(entity)) entities.push(entity);
  }
  const changedSinceText = c.req.query('changedSince');
  if (!changedSinceText) return invalid('changedSince is required: an ISO-8601 date-time such as 2025-03-04T10:22:01-08:00');
  const changedSince = parseTimestamp(changedSinceText);
  if (changedSince === undefined) return invalid(`changedSince: ${changedSinceText} is not an ISO-8601 date-time`);
  if (changedSince < now - config.cdcMaxLookbackDays * DAY_MS) {
    return invalid(`changedSince: ${changedSinceText} is more than ${config.cdcMaxLookbackDays} days ago; CDC only looks back ${config.cdcMaxLookbackDays} days`);
  }

  const company = engine.company(c.req.param('realmId') ?? '');
  const changes = collectChanges(company.stores, {
    entities, changedSinceMs: changedSince, maxObjects: config.cdcMaxObjects, order: config.cdcOrder, seed: config.cdcOrderSeed,
  });
  const queryResponses = changes.map(({ entity, records }) =>
    records.length === 0
      ? '{}'
      : `{${JSON.stringify(entity)}:[${records.map((record) => company.bodies.json(entity, record)).join(',')}],"startPosition":1,"maxResults":${records.length}}`,
  );
  return jsonText(c, `{"CDCResponse":[{"QueryResponse":[${queryResponses.join(',')}]}],"time":${JSON.stringify(answerTime(engine, c, now))}}`);
}

/** The `time` of a successful answer; the engine remembers it for the same-second race (ChangeRequest.inSecondOfLastAnswer). */
function answerTime(engine: SimulatorEngine, c: Context<SimulatorEnv>, now: number): string {
  engine.answered(c.req.param('realmId') ?? '', now);
  return responseTime(now);
}

/** Responses are assembled from cached JSON bodies (see engine/data/body-cache.ts) rather than re-serialized. */
function jsonText(c: Context<SimulatorEnv>, text: string): Response {
  return c.body(text, 200, { 'content-type': 'application/json;charset=UTF-8' });
}
