import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.js';
import { createApiHarness, type ApiHarness } from './support/harness.js';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { securitySchemes: Record<string, unknown> };
}

describe('operations endpoints, the OpenAPI document and rate limits', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await createApiHarness({ rateLimits: { oauthCallback: 3, intuitAppUrls: 2, session: 2 }, trustedProxyHops: 1 });
  });
  afterAll(async () => h?.close());

  it('is alive and ready when Postgres and Temporal answer', async () => {
    expect(await (await h.request('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await h.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: { ok: true }, temporal: { ok: true } } });
  });

  it('exposes request, callback and connection metrics for Prometheus', async () => {
    const merchant = await h.createMerchant();
    await h.request('/v1/connections', { method: 'POST', headers: { authorization: `Bearer ${merchant.apiKey}`, 'content-type': 'application/json' }, body: '{"provider":"quickbooks"}' });
    await h.request('/oauth/quickbooks/callback?state=unknown', { headers: { 'x-forwarded-for': '198.51.100.1' } });
    const response = await h.request('/metrics');
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/v1\/connections",status="201"\} \d+/);
    expect(text).toContain('http_request_duration_seconds_bucket');
    expect(text).toMatch(/quickbooks_oauth_callbacks_total\{outcome="state_invalid"\} 1/);
    expect(text).toMatch(/quickbooks_connections\{status="pending_authorization"\} [1-9]/);
    expect(text).toMatch(/quickbooks_connections\{status="disconnected"\} 0/);
  });

  it('documents every route in /openapi.json', async () => {
    const document = (await (await h.request('/openapi.json')).json()) as OpenApiDocument;
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(
      [
        'POST /v1/merchants',
        'PATCH /v1/merchants/{merchantId}',
        'GET /v1/merchant',
        'PATCH /v1/merchant',
        'GET /v1/merchants/{merchantId}/api-keys',
        'POST /v1/merchants/{merchantId}/api-keys',
        'DELETE /v1/merchants/{merchantId}/api-keys/{id}',
        'GET /v1/api-keys',
        'POST /v1/api-keys',
        'DELETE /v1/api-keys/{id}',
        'GET /v1/connections',
        'POST /v1/connections',
        'GET /v1/connections/{id}',
        'DELETE /v1/connections/{id}',
        'POST /v1/connections/{id}/reauthorize',
        'POST /v1/connections/{id}/sync',
        'POST /v1/connections/{id}/resync',
        'GET /v1/connections/{id}/records',
        'GET /v1/connections/{id}/sync-runs',
        'GET /v1/notifications',
        'GET /oauth/quickbooks/callback',
        'POST /webhooks/quickbooks',
        'GET /quickbooks/reconnect',
        'GET /quickbooks/disconnect',
        'POST /session',
        'DELETE /session',
        'GET /login',
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
      ].sort(),
    );
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['adminKey', 'dashboardSession', 'merchantKey']);
  });

  it('serves a browsable /docs from local assets (works offline)', async () => {
    const page = await (await h.request('/docs')).text();
    expect(page).toContain('/docs/assets/swagger-ui-bundle.js');
    for (const asset of ['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css', '/docs/assets/init.js']) {
      const response = await h.request(asset);
      expect(response.status, asset).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(50);
    }
    expect((await h.request('/docs/assets/package.json')).status).toBe(404);
    expect((await h.request('/docs/assets/..%2Fpackage.json')).status).toBe(404);
  });

  it('rate-limits the public endpoints per client address with a 429 envelope', async () => {
    const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip, accept: 'application/json' } });
    for (let i = 0; i < 3; i++) expect((await h.request('/oauth/quickbooks/callback', from('203.0.113.7'))).status).toBe(400);
    const limited = await h.request('/oauth/quickbooks/callback', from('203.0.113.7'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    // Another address is not affected.
    expect((await h.request('/oauth/quickbooks/callback', from('203.0.113.8'))).status).toBe(400);

    for (let i = 0; i < 2; i++) expect((await h.request('/quickbooks/disconnect', from('203.0.113.9'))).status).toBe(200);
    expect((await h.request('/quickbooks/disconnect', from('203.0.113.9'))).status).toBe(429);
    const session = { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.10', 'content-type': 'application/json' }, body: '{"apiKey":"x"}' };
    for (let i = 0; i < 2; i++) expect((await h.request('/session', session)).status).toBe(401);
    expect((await h.request('/session', session)).status).toBe(429);
  });

  it('sets security headers and echoes a safe request id', async () => {
    const response = await h.request('/healthz', { headers: { 'x-request-id': 'trace-123' } });
    expect(response.headers.get('x-request-id')).toBe('trace-123');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const hostile = await h.request('/healthz', { headers: { 'x-request-id': '<script>' } });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('when the database is down', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    const healthy = await createApiHarness();
    const broken = await openDatabase({ url: healthy.database.url, maxConnections: 1 });
    await broken.close();
    h = await createApiHarness({ replicaOf: healthy, db: broken.db });
    cleanup = () => healthy.close();
  });
  let cleanup: () => Promise<void>;
  afterAll(async () => {
    await h?.close();
    await cleanup?.();
  });

  it('is not ready (503) and answers unexpected failures with a generic 500, never the internals', async () => {
    const ready = await h.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not_ready', checks: { database: { ok: false }, temporal: { ok: true } } });
    const response = await h.request('/v1/connections', { headers: { authorization: `Bearer qbk_${'C'.repeat(43)}` } });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('internal_error');
    expect(body.error.message).not.toMatch(/select|api_keys|postgres/i);
  });
});
