/**
 * The merchant disconnects an app inside QuickBooks (Apps → My Apps → Disconnect). Intuit ends the
 * app's grants for the company and then sends that merchant's *browser* to the app's Disconnect URL; it
 * never calls the app server to server. So:
 * - `GET  /__simulator/companies/:realmId/disconnect` is the "My Apps" page: a Disconnect button per
 *   connected app;
 * - `POST /__simulator/companies/:realmId/disconnect` from that form (or with `Accept: text/html`)
 *   answers 303 to the Disconnect URL, where the browser goes next;
 * - the same POST with JSON (scripts, tests) answers `{ realmId, revokedGrants, disconnectUrl,
 *   disconnectUrls }`: the caller plays the browser by following `disconnectUrl` itself.
 * The simulator appends `realmId` to the Disconnect URL (which parameters Intuit adds is not recorded).
 */
import { Hono } from 'hono';
import type { SimulatorEngine } from '../engine/simulator-engine.js';
import type { DisconnectResult } from '../types.js';
import { escapeHtml, page } from './consent-page.js';
import { body, parse } from './control-input.js';
import { disconnectSchema } from './control-schemas.js';
import type { SimulatorEnv } from './env.js';

export function disconnectRoutes(engine: SimulatorEngine): Hono<SimulatorEnv> {
  const routes = new Hono<SimulatorEnv>();

  routes.get('/companies/:realmId/disconnect', (c) => {
    const realmId = c.req.param('realmId');
    const company = engine.company(realmId);
    const connected = [...new Set(engine.oauth.listGrants().filter((grant) => grant.realmId === realmId && grant.status === 'active').map((grant) => grant.clientId))];
    const buttons = connected
      .map((clientId) => `<li>${escapeHtml(clientId)} <button type="submit" name="clientId" value="${escapeHtml(clientId)}">Disconnect</button></li>`)
      .join('\n');
    return c.html(
      page(
        'My Apps',
        `<h1>Apps connected to ${escapeHtml(company.definition.name)}</h1>
${connected.length === 0 ? '<p>No app is connected to this company.</p>' : `<form method="post" action="/__simulator/companies/${escapeHtml(realmId)}/disconnect"><ul>\n${buttons}\n</ul></form>`}`,
      ),
    );
  });

  routes.post('/companies/:realmId/disconnect', async (c) => {
    const realmId = c.req.param('realmId');
    const fromForm = /application\/x-www-form-urlencoded/i.test(c.req.header('content-type') ?? '');
    const clientId = fromForm ? new URLSearchParams(await c.req.text()).get('clientId') : null;
    const request = fromForm ? parse(disconnectSchema, clientId ? { clientId } : {}) : await body(c, disconnectSchema, true);
    const result = disconnect(engine, realmId, request.clientId);
    const accept = c.req.header('accept') ?? '';
    const browser = fromForm || (/text\/html/i.test(accept) && !/application\/json/i.test(accept));
    if (!browser) return c.json(result);
    if (result.disconnectUrl) return c.redirect(result.disconnectUrl, 303);
    return c.html(page('Disconnected', `<h1>Disconnected</h1>\n<p>${result.revokedGrants} connection(s) ended. The app has no Disconnect URL to send you to.</p>`));
  });

  return routes;
}

function disconnect(engine: SimulatorEngine, realmId: string, clientId: string | undefined): DisconnectResult {
  const ended = engine.disconnect(realmId, clientId);
  const disconnectUrls = [...new Set(ended.map((grant) => grant.clientId))].flatMap((endedClientId) => {
    const url = engine.apps.get(endedClientId)?.disconnectUrl;
    if (!url) return [];
    const target = new URL(url);
    target.searchParams.set('realmId', realmId);
    return [target.toString()];
  });
  return { realmId, revokedGrants: ended.length, disconnectUrl: disconnectUrls[0] ?? null, disconnectUrls };
}
