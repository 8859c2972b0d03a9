/**
 * Intuit's OAuth 2.0 surface: the authorize endpoint (consent page and decision), the token endpoint
 * (code exchange and refresh) and the revoke endpoint, answering exactly as Intuit does — including
 * `invalid_grant` bodies, 401 `invalid_client`, and `x_refresh_token_hard_expires_in` only for clients
 * that send `x-include-refresh-token-hard-expires-in: true` (what intuit-oauth sends when built with
 * `includeRefreshTokenHardExpiresIn`).
 */
import { Hono, type Context } from 'hono';
import type { SimulatorEngine } from '../engine/simulator-engine.js';
import type { TokenGrantResult } from '../engine/oauth/grants.js';
import type { SimulatorApp } from '../types.js';
import { consentPage, errorPage, noCompanyPage, type AuthorizationRequest } from './consent-page.js';
import type { SimulatorEnv } from './env.js';
import { AUTHORIZE_PATH, REVOKE_PATH, TOKEN_PATH } from './request-kind.js';

const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting';
const ALLOWED_SCOPES = new Set([ACCOUNTING_SCOPE, 'openid', 'profile', 'email', 'phone', 'address']);

export function oauthRoutes(engine: SimulatorEngine): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>();

  app.get(AUTHORIZE_PATH, (c) => {
    const request = authorizationRequest(new URL(c.req.url).searchParams);
    const checked = checkClient(engine, request);
    if ('page' in checked) return c.html(checked.page, 400);
    if (request.responseType !== 'code') return c.redirect(redirectWith(request, { error: 'unsupported_response_type' }), 302);
    const scopes = request.scope.split(/\s+/).filter(Boolean);
    if (!scopes.includes(ACCOUNTING_SCOPE) || scopes.some((scope) => !ALLOWED_SCOPES.has(scope))) {
      return c.redirect(redirectWith(request, { error: 'invalid_scope' }), 302);
    }
    const companies = engine.listCompanies().map((company) => ({ realmId: company.realmId, name: company.definition.name }));
    if (companies.length === 0) return c.html(noCompanyPage(checked.app.clientId, request));
    return c.html(consentPage(checked.app.clientId, request, companies));
  });

  app.post(`${AUTHORIZE_PATH}/decision`, async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const request = authorizationRequest(form);
    const checked = checkClient(engine, request);
    if ('page' in checked) return c.html(checked.page, 400);
    const decision = form.get('decision');
    if (decision === 'cancel') return c.redirect(redirectWith(request, { error: 'access_denied' }), 302);
    if (decision !== 'connect') return c.html(errorPage('Something went wrong', 'Choose Connect or Cancel.'), 400);
    const realmId = form.get('realmId') ?? '';
    if (!engine.findCompany(realmId)) return c.html(errorPage('Choose a company', `There is no company with id "${realmId}".`), 400);
    c.set('realmId', realmId);
    const code = engine.oauth.issueCode({ clientId: request.clientId, redirectUri: request.redirectUri, realmId, scope: request.scope });
    engine.mutated();
    return c.redirect(redirectWith(request, { code, realmId }), 302);
  });

  app.post(`${AUTHORIZE_PATH}/demo-company`, async (c) => {
    const request = authorizationRequest(new URLSearchParams(await c.req.text()));
    const checked = checkClient(engine, request);
    if ('page' in checked) return c.html(checked.page, 400);
    if (engine.listCompanies().length === 0) engine.createCompany({});
    const back = new URLSearchParams({ client_id: request.clientId, redirect_uri: request.redirectUri, scope: request.scope, response_type: request.responseType });
    if (request.state !== undefined) back.set('state', request.state);
    return c.redirect(`${AUTHORIZE_PATH}?${back.toString()}`, 303);
  });

  app.post(TOKEN_PATH, async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const client = authenticateClient(engine, c.req.header('authorization'), form);
    if (!client) return c.json({ error: 'invalid_client' }, 401);
    const grantType = form.get('grant_type');
    let result: TokenGrantResult;
    if (grantType === 'authorization_code') {
      result = engine.oauth.exchangeCode(client.clientId, form.get('code') ?? undefined, form.get('redirect_uri') ?? undefined);
    } else if (grantType === 'refresh_token') {
      result = engine.oauth.refresh(client.clientId, form.get('refresh_token') ?? undefined);
    } else if (!grantType) {
      return c.json({ error: 'invalid_request', error_description: 'grant_type is required' }, 400);
    } else {
      return c.json({ error: 'unsupported_grant_type' }, 400);
    }
    engine.mutated();
    return tokenResponse(c, result);
  });

  app.post(REVOKE_PATH, async (c) => {
    const client = authenticateClient(engine, c.req.header('authorization'), new URLSearchParams());
    if (!client) return c.json({ error: 'invalid_client' }, 401);
    const token = await revokedToken(c);
    if (!token) return c.json({ error: 'invalid_request', error_description: 'token is required' }, 400);
    const outcome = engine.oauth.revoke(client.clientId, token);
    if (outcome === 'revoked') engine.mutated();
    // Intuit answers a token whose grant already ended with a 400 and an empty body; an unknown one is not an error (RFC 7009).
    return c.body(null, outcome === 'already_ended' ? 400 : 200);
  });

  return app;
}

function authorizationRequest(params: URLSearchParams): AuthorizationRequest {
  return {
    clientId: params.get('client_id') ?? '',
    redirectUri: params.get('redirect_uri') ?? '',
    scope: params.get('scope') ?? '',
    state: params.get('state') ?? undefined,
    responseType: params.get('response_type') ?? '',
  };
}

/** Intuit never redirects for an unknown client or an unregistered redirect URI: it shows an error page. */
function checkClient(engine: SimulatorEngine, request: AuthorizationRequest): { app: SimulatorApp } | { page: string } {
  const app = engine.apps.get(request.clientId);
  if (!app) return { page: errorPage('Invalid client', `The client_id "${request.clientId}" is not registered with this QuickBooks simulator.`) };
  if (!app.redirectUris.includes(request.redirectUri)) {
    return { page: errorPage('Invalid redirect_uri', `The redirect_uri "${request.redirectUri}" is not registered for this app. Registered: ${app.redirectUris.join(', ')}.`) };
  }
  return { app };
}

function redirectWith(request: AuthorizationRequest, params: Record<string, string>): string {
  const url = new URL(request.redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  if (request.state !== undefined) url.searchParams.set('state', request.state);
  return url.toString();
}

/** `Authorization: Basic base64(id:secret)` (what intuit-oauth sends), or `client_id`/`client_secret` in the form. */
function authenticateClient(engine: SimulatorEngine, header: string | undefined, form: URLSearchParams): SimulatorApp | undefined {
  const basic = header && /^basic\s+(.+)$/i.exec(header.trim());
  if (basic) {
    const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return engine.apps.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1));
  }
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  return clientId && clientSecret ? engine.apps.authenticate(clientId, clientSecret) : undefined;
}

function tokenResponse(c: Context<SimulatorEnv>, result: TokenGrantResult): Response {
  c.header('Cache-Control', 'no-store');
  c.header('Pragma', 'no-cache');
  if (!result.ok) {
    const { error, description } = result.failure;
    return c.json(description === undefined ? { error } : { error_description: description, error }, 400);
  }
  const { tokens } = result;
  c.set('realmId', tokens.grant.realmId);
  const body: Record<string, string | number> = {
    token_type: 'bearer',
    access_token: tokens.accessToken,
    refresh_token: tokens.refreshToken,
    expires_in: tokens.accessTokenExpiresIn,
    x_refresh_token_expires_in: tokens.refreshTokenExpiresIn,
  };
  if (c.req.header('x-include-refresh-token-hard-expires-in')?.toLowerCase() === 'true') body.x_refresh_token_hard_expires_in = tokens.hardExpiresIn;
  return c.json(body);
}

/** intuit-oauth sends `{"token": …}` as JSON; RFC 7009 clients send `token=…` as a form. */
async function revokedToken(c: Context<SimulatorEnv>): Promise<string | undefined> {
  const text = await c.req.text();
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && typeof (parsed as { token?: unknown }).token === 'string') return (parsed as { token: string }).token;
    return undefined;
  } catch {
    return new URLSearchParams(text).get('token') ?? undefined;
  }
}
