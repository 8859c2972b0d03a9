/**
 * The two URLs of the Intuit app settings. Reconnect: Intuit sends a merchant whose grant broke; with a
 * dashboard session we start re-authorization of that merchant's connection to the company, without
 * one we send them to sign in and come back. Disconnect: Intuit sends the merchant's browser here after
 * they disconnected us inside QuickBooks; the page says what happened and how to reconnect or sign in.
 * Unauthenticated, so only a hint: the company's workflows are asked to check their grant now; this
 * request changes no status itself.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { html } from 'hono/html';
import { findMerchantConnectionForRealm, getMerchantConnection, listMerchantConnections, type Connection } from '../../db/queries/connections.js';
import { sessionMerchant } from '../auth/sessions.js';
import { wantsJson } from '../http/negotiation.js';
import { rateLimitPerClient } from '../http/rate-limit.js';
import { createRouter } from '../http/router.js';
import { startReauthorization } from '../oauth/start-authorization.js';
import { page } from '../pages/layout.js';
import type { AppServices } from '../services.js';
import { errorResponses } from '../views/error.js';
import { signalRealms } from '../webhooks/fan-out.js';

const RealmQuery = z.object({
  realmId: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/).optional().openapi({ param: { name: 'realmId', in: 'query' }, description: 'The QuickBooks company' }),
});
const ReconnectQuery = RealmQuery.extend({
  connection: z.uuid().optional().openapi({ param: { name: 'connection', in: 'query' }, description: 'The connection to re-authorize (the button of a notice email)' }),
});
const DisconnectNoted = z.object({ received: z.literal(true), connections: z.number().int() }).openapi('DisconnectNoted');
const DISCONNECT_SIGNAL_WAIT_MS = 1_500;

export function intuitAppUrlRoutes(services: AppServices) {
  const router = createRouter();
  const limit = rateLimitPerClient({ db: services.db, group: 'intuit-app-urls', limit: services.config.rateLimits.intuitAppUrls, trustedProxyHops: services.config.trustedProxyHops, clock: services.clock });
  const dashboard = (result: string) => {
    const target = new URL(services.config.dashboardPath, `${services.config.publicBaseUrl}/`);
    target.searchParams.set('result', result);
    return target.toString();
  };

  router.openapi(
    createRoute({
      method: 'get',
      path: '/quickbooks/reconnect',
      tags: ['QuickBooks'],
      summary: 'Intuit’s Reconnect URL (and a notice email’s button): re-authorize the signed-in merchant’s connection',
      middleware: [limit],
      request: { query: ReconnectQuery },
      responses: {
        302: { description: 'To Intuit’s consent page, to the sign-in page, or to the dashboard when there is nothing to reconnect' },
        ...errorResponses(400, 429),
      },
    }),
    async (c) => {
      const { realmId, connection: connectionId } = c.req.valid('query');
      const merchant = await sessionMerchant(c, services);
      if (!merchant) {
        const query = new URLSearchParams({ ...(realmId ? { realmId } : {}), ...(connectionId ? { connection: connectionId } : {}) }).toString();
        const back = `/quickbooks/reconnect${query ? `?${query}` : ''}`;
        return c.redirect(`/login?next=${encodeURIComponent(back)}`, 302);
      }
      const connection = connectionId
        ? await getMerchantConnection(services.db, { merchantId: merchant.id, connectionId })
        : realmId
          ? await findMerchantConnectionForRealm(services.db, { merchantId: merchant.id, realmId })
          : await soleConnectionNeedingReauthorization(services, merchant.id);
      // A connection since disconnected (or another merchant's) has nothing to reconnect.
      if (!connection || connection.status === 'disconnected' || connection.realmId === null) return c.redirect(dashboard('nothing_to_reconnect'), 302);
      services.logger.info({ merchantId: merchant.id, connectionId: connection.id }, 'reconnect started from Intuit');
      return c.redirect(await startReauthorization(services, connection), 302);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/quickbooks/disconnect',
      tags: ['QuickBooks'],
      summary: 'Intuit’s Disconnect URL: asks the company’s connections to verify their grant now',
      middleware: [limit],
      request: { query: RealmQuery },
      responses: {
        200: {
          description: 'Noted (HTML for browsers, JSON for API clients)',
          content: { 'application/json': { schema: DisconnectNoted }, 'text/html': { schema: z.string() } },
        },
        ...errorResponses(400, 429),
      },
    }),
    async (c) => {
      const { realmId } = c.req.valid('query');
      const fanOut = realmId
        ? await signalRealms(services, { realmIds: [realmId], reason: 'intuit_disconnect_url', waitMs: DISCONNECT_SIGNAL_WAIT_MS })
        : { connections: 0 };
      services.logger.info({ connections: fanOut.connections }, 'Intuit disconnect URL visited');
      if (wantsJson(c)) return c.json({ received: true as const, connections: fanOut.connections }, 200);
      // Intuit sends the merchant's browser here right after they disconnected us inside QuickBooks.
      const reconnect = `/quickbooks/reconnect${realmId ? `?realmId=${encodeURIComponent(realmId)}` : ''}`;
      const body = await page(
        'QuickBooks disconnected',
        html`<h1>QuickBooks was disconnected</h1>
          <p>You disconnected this app from your QuickBooks company, so syncing for it stops. Nothing already synced is lost.</p>
          <h2>What to do now</h2>
          <ul>
            <li>To keep syncing, <a href="${reconnect}">reconnect QuickBooks</a>: sign in if asked, then approve the connection again (the same as Re-authorize in the connection's ⋯ menu).</li>
            <li>If you meant to stop, <a href="/login?next=${encodeURIComponent(services.config.dashboardPath)}">sign in</a> and remove the connection under Data Sources.</li>
          </ul>`,
      );
      return c.html(body, 200);
    },
  );

  return router;
}

/** Without a realm, reconnect only when the choice is unambiguous: exactly one connection needs it. */
async function soleConnectionNeedingReauthorization(services: AppServices, merchantId: string): Promise<Connection | undefined> {
  const connections = await listMerchantConnections(services.db, { merchantId, limit: 500 });
  const waiting = connections.filter((connection) => connection.status === 'needs_reauthorization');
  return waiting.length === 1 ? waiting[0] : undefined;
}
