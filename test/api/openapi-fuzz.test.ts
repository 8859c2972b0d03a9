/**
 * Schema-driven fuzzing: every operation of the generated OpenAPI document gets requests built from
 * its own schemas (valid and hostile parameters, bodies and credentials). Every text field and parameter
 * also gets text Postgres cannot store (U+0000, lone surrogates, over-long values), and every cursor
 * parameter forged cursors carrying such text. Whatever arrives, the API must answer below 500, and
 * every error must be the contract's envelope.
 */
import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_API_KEY, createApiHarness, PUBLIC_BASE_URL, WEBHOOK_VERIFIER_TOKEN, type ApiHarness } from './support/harness.js';
import {
  arbitraryFor,
  declaresUnstorableText,
  decodedCursor,
  holdsUnstorableText,
  hostileString,
  isUnstorableText,
  parameterValue,
  type Components,
  type JsonSchema,
} from './support/openapi-arbitraries.js';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body: JsonSchema | undefined;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>;
  components: { schemas: Components };
}

interface RequestSpec {
  pathValues: Record<string, string>;
  queryValues: Partial<Record<string, string>>;
  body: string | undefined;
  credential: string;
  contentType: string | undefined;
  signature: 'valid' | 'wrong' | 'missing';
  accept: string | undefined;
}

const RUNS_PER_OPERATION = Number(process.env.API_FUZZ_RUNS ?? 150);

/** Percent-encodes the UTF-8 bytes (lone surrogates become U+FFFD, as any HTTP client would send them). */
function encodePathSegment(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((byte) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** What the server receives of a path or query value: UTF-8 on the wire turns a lone surrogate into U+FFFD. */
const asReceived = (value: string) => Buffer.from(value, 'utf8').toString('utf8');

/** Intuit's webhooks are read raw after the signature check; their text is never stored (only realm ids, by pattern). */
const RAW_BODY_PATHS = new Set(['/webhooks/quickbooks']);

describe('fuzzing every operation of /openapi.json', () => {
  let h: ApiHarness;
  let operations: Operation[];
  let components: Components;
  const credentials: Record<string, Record<string, string>> = {};
  const connectionIds: string[] = [];
  let requests = 0;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    h = await createApiHarness({ rateLimits: { oauthCallback: 1e9, webhooks: 1e9, intuitAppUrls: 1e9, session: 1e9 } });
    const document = (await (await h.request('/openapi.json')).json()) as OpenApiDocument;
    components = document.components.schemas;
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        body: operation.requestBody?.content['application/json']?.schema,
      })),
    );
    for (const name of ['owner', 'other']) {
      const merchant = await h.createMerchant(name);
      credentials[name] = { authorization: `Bearer ${merchant.apiKey}` };
      for (let i = 0; i < 2; i++) {
        const created = await h.request('/v1/connections', {
          method: 'POST',
          headers: { ...credentials[name], 'content-type': 'application/json' },
          body: '{"provider":"quickbooks"}',
        });
        connectionIds.push(((await created.json()) as { connection: { id: string } }).connection.id);
      }
    }
    const session = await h.request('/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: credentials.owner!.authorization!.slice(7) }) });
    credentials.session = { cookie: session.headers.get('set-cookie')!.split(';')[0]!, origin: PUBLIC_BASE_URL };
    credentials.admin = { authorization: `Bearer ${ADMIN_API_KEY}` };
    credentials.junk = { authorization: 'Bearer qbk_not-a-key' };
    credentials.none = {};
  });
  afterAll(async () => {
    console.log(`API fuzz: ${requests} requests over ${operations?.length ?? 0} operations; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    await h?.close();
  });

  function requestArbitrary(operation: Operation): fc.Arbitrary<RequestSpec> {
    const pathParameters = operation.parameters.filter((parameter) => parameter.in === 'path');
    const queryParameters = operation.parameters.filter((parameter) => parameter.in === 'query');
    const pathValues = fc.record(
      Object.fromEntries(
        pathParameters.map((parameter) => [
          parameter.name,
          parameter.name === 'id' ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...connectionIds) }, fc.constant(randomUUID()), hostileString) : parameterValue(parameter.schema, components),
        ]),
      ),
    );
    const queryValues = fc.record(Object.fromEntries(queryParameters.map((parameter) => [parameter.name, parameterValue(parameter.schema, components, parameter.name)])), { requiredKeys: [] });
    const body = fc.oneof(
      { weight: 4, arbitrary: arbitraryFor(operation.body, components).map((value) => JSON.stringify(value)) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
      { weight: 1, arbitrary: hostileString },
    );
    return fc.record({
      pathValues,
      queryValues,
      body: operation.body || operation.method !== 'GET' ? fc.option(body, { nil: undefined, freq: 5 }) : fc.constant(undefined),
      credential: fc.constantFrom('owner', 'owner', 'session', 'other', 'admin', 'junk', 'none'),
      contentType: fc.constantFrom('application/json', 'application/json', 'application/x-www-form-urlencoded', 'text/plain', undefined),
      signature: fc.constantFrom<RequestSpec['signature'][]>('valid', 'valid', 'wrong', 'missing'),
      accept: fc.constantFrom('application/json', 'text/html', undefined),
    });
  }

  async function send(operation: Operation, spec: RequestSpec) {
    let path = operation.path;
    for (const [name, value] of Object.entries(spec.pathValues)) path = path.replace(`{${name}}`, encodePathSegment(value));
    const query = new URLSearchParams(spec.queryValues as Record<string, string>).toString();
    const headers: Record<string, string> = { ...credentials[spec.credential] };
    if (spec.contentType && spec.body !== undefined) headers['content-type'] = spec.contentType;
    if (spec.accept) headers.accept = spec.accept;
    if (operation.path === '/webhooks/quickbooks' && spec.signature !== 'missing') {
      const signed = spec.signature === 'valid' ? (spec.body ?? '') : 'tampered';
      headers['intuit-signature'] = createHmac('sha256', WEBHOOK_VERIFIER_TOKEN).update(signed).digest('base64');
    }
    const response = await h.request(`${path}${query ? `?${query}` : ''}`, {
      method: operation.method,
      headers,
      ...(spec.body !== undefined && operation.method !== 'GET' ? { body: spec.body } : {}),
    });
    requests += 1;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    return response;
  }

  /** Whether the request puts unstorable text where the operation declares a parameter, a body field or a cursor. */
  function carriesUnstorableText(operation: Operation, spec: RequestSpec): boolean {
    if (Object.values(spec.pathValues).some((value) => isUnstorableText(asReceived(value)))) return true;
    for (const [name, value] of Object.entries(spec.queryValues)) {
      if (value === undefined) continue;
      if (isUnstorableText(asReceived(value))) return true;
      if (name === 'cursor' && holdsUnstorableText(decodedCursor(value))) return true;
    }
    if (spec.body === undefined || spec.contentType !== 'application/json' || operation.method === 'GET' || RAW_BODY_PATHS.has(operation.path)) return false;
    try {
      return declaresUnstorableText(JSON.parse(spec.body), operation.body, components);
    } catch {
      return false;
    }
  }

  it('answers every generated request below 500, with the error envelope on every error', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(20);
    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(operation), async (spec) => {
          const response = await send(operation, spec);
          expect(response.status, `${operation.method} ${operation.path}`).toBeLessThan(500);
          // Text Postgres cannot store is refused at the edge, never stored garbled nor silently ignored.
          if (carriesUnstorableText(operation, spec)) expect(response.status, `${operation.method} ${operation.path} with unstorable text`).toBeGreaterThanOrEqual(400);
          if (response.status >= 400) {
            const body = (await response.json()) as { error?: { code?: unknown; message?: unknown; requestId?: unknown } };
            expect(body.error).toEqual({ code: expect.any(String), message: expect.any(String), requestId: expect.any(String) });
          }
        }),
        { numRuns: RUNS_PER_OPERATION },
      );
    }
  }, 120_000);
});
