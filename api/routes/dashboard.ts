/**
 * The dashboard's actions: plain HTML form posts (no JavaScript), authenticated by the session cookie
 * and accepted only from our own origin. Each one reuses what the JSON API does (starting an
 * authorization, the connection commands, the API key lifecycle) and answers with a redirect: to
 * Intuit's consent page, or back to the dashboard with `?result=` or `?error=` for the message to show.
 */
import { Hono, type Context } from 'hono';
import type { Connection } from '../../db/queries/connections.js';
import { updateMerchantContact } from '../../db/queries/merchants.js';
import { endSession } from '../auth/sessions.js';
import { assertReauthorizable } from '../../connections/commands.js';
import { ConnectionCommandError } from '../../connections/errors.js';
import type { AppEnv } from '../env.js';
import { ApiError } from '../http/errors.js';
import { startNewConnection, startReauthorization } from '../oauth/start-authorization.js';
import type { AppServices } from '../services.js';
import { loadConnectionView } from '../views/connection.js';
import { EmailAddress } from '../views/merchant.js';
import { ConfirmDisconnectPage } from '../views/dashboard/confirm-disconnect.js';
import { isKnownError } from '../views/dashboard/wording.js';
import { registerApiKeyActions } from './dashboard-api-keys.js';
import { backToDashboard, requireDashboardSession, UUID } from './dashboard-navigation.js';
import { requireOwnConnection } from './own-connection.js';

type ConnectionAction = (c: Context<AppEnv>, connection: Connection) => Promise<Response>;

/**
 * Loads the merchant's own connection named in the path and runs the action; a refusal the merchant
 * can act on (not found, needs re-authorization, Temporal down…) becomes a message on the dashboard.
 */
function onOwnConnection(services: AppServices, action: ConnectionAction) {
  return async (c: Context<AppEnv>) => {
    const connectionId = c.req.param('id') ?? '';
    try {
      if (!UUID.test(connectionId)) throw new ApiError('connection_not_found', 'No such connection.');
      return await action(c, await requireOwnConnection(services, c.get('merchant').id, connectionId));
    } catch (error) {
      const code = error instanceof ApiError || error instanceof ConnectionCommandError ? error.code : undefined;
      if (code && isKnownError(code)) return backToDashboard(c, { error: code, ...(UUID.test(connectionId) ? { connectionId } : {}) });
      throw error;
    }
  };
}

export function dashboardRoutes(services: AppServices) {
  const router = new Hono<AppEnv>();
  router.use('/dashboard/*', requireDashboardSession(services));

  router.post('/dashboard/connections', async (c) => {
    const merchant = c.get('merchant');
    const { connection, authorizeUrl } = await startNewConnection(services, merchant.id);
    services.logger.info({ merchantId: merchant.id, connectionId: connection.id, via: 'dashboard' }, 'connection created');
    return c.redirect(authorizeUrl, 303);
  });

  router.post(
    '/dashboard/connections/:id/reauthorize',
    onOwnConnection(services, async (c, connection) => {
      assertReauthorizable(connection);
      services.logger.info({ merchantId: connection.merchantId, connectionId: connection.id, via: 'dashboard' }, 're-authorization started');
      return c.redirect(await startReauthorization(services, connection), 303);
    }),
  );

  router.post(
    '/dashboard/connections/:id/sync',
    onOwnConnection(services, async (c, connection) => {
      await services.connections.syncNow(connection, 'dashboard');
      return backToDashboard(c, { result: 'sync_requested', connectionId: connection.id });
    }),
  );

  router.get(
    '/dashboard/connections/:id/disconnect',
    onOwnConnection(services, async (c, connection) => {
      if (connection.status === 'disconnected') return backToDashboard(c, { result: 'already_disconnected', connectionId: connection.id });
      c.header('Cache-Control', 'no-store');
      return c.html(ConfirmDisconnectPage({ merchantName: c.get('merchant').name, connection: await loadConnectionView(services.db, connection) }));
    }),
  );

  router.post(
    '/dashboard/connections/:id/disconnect',
    onOwnConnection(services, async (c, connection) => {
      const { result } = await services.connections.disconnect(connection);
      return backToDashboard(c, { result, connectionId: connection.id });
    }),
  );

  router.post('/dashboard/notice-emails', async (c) => {
    const form = await c.req.parseBody();
    const typed = typeof form.email === 'string' ? form.email.trim() : '';
    const email = typed === '' ? null : EmailAddress.safeParse(typed);
    if (email !== null && !email.success) return backToDashboard(c, { error: 'invalid_email', section: 'notice-emails' });
    await updateMerchantContact(services.db, c.get('merchant').id, { email: email?.data ?? null, notificationEmails: form.notificationEmails === 'on' });
    return backToDashboard(c, { result: 'notice_emails_saved', section: 'notice-emails' });
  });

  registerApiKeyActions(router, services);

  router.post('/dashboard/sign-out', async (c) => {
    await endSession(c, services);
    return backToDashboard(c, { result: 'signed_out' });
  });

  return router;
}
