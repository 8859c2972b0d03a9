/**
 * `GET /`: the merchant dashboard, rendered on the server (Hono JSX, no client-side build). Signed in
 * (session cookie): Data Sources, Browse Integrations and API keys. Signed out: the sign-in form. `?result=` and
 * `?error=` (set by the OAuth callback and the dashboard's own actions) choose a message from a fixed
 * table. The actions the page's forms post to are in ./dashboard.ts.
 */
import { Hono } from 'hono';
import type { Merchant } from '../../db/queries/merchants.js';
import { listMerchantApiKeys } from '../../db/queries/api-keys.js';
import { listMerchantConnections } from '../../db/queries/connections.js';
import { listMerchantNotifications } from '../../db/queries/notifications.js';
import { currentSession } from '../auth/sessions.js';
import type { AppEnv } from '../env.js';
import type { AppServices } from '../services.js';
import { toApiKeyView, type ApiKeyView } from '../views/api-key.js';
import { loadConnectionViews, type ConnectionView } from '../views/connection.js';
import { DashboardPage } from '../views/dashboard/dashboard-page.js';
import { SignInPage } from '../views/dashboard/sign-in.js';
import { flashFor } from '../views/dashboard/wording.js';
import { toNotificationView, type NotificationView } from '../views/notification.js';

/** A dashboard shows at most this many connections (open notices, API keys); the JSON API pages through all. */
const DASHBOARD_LIMIT = 200;

export function homeRoutes(services: AppServices) {
  const router = new Hono<AppEnv>();
  router.get('/', async (c) => {
    c.header('Cache-Control', 'no-store');
    const flash = flashFor({ result: c.req.query('result'), error: c.req.query('error') });
    const session = await currentSession(c, services);
    if (!session) return c.html(SignInPage({ flash }));
    const { merchant, apiKeyId } = session;
    const { connections, notices, apiKeys } = await loadDashboard(services, merchant);
    return c.html(DashboardPage({ merchantName: merchant.name, merchantEmail: merchant.email, notificationEmails: merchant.notificationEmails, connections, notices, apiKeys, sessionKeyId: apiKeyId, flash, now: services.clock() }));
  });
  return router;
}

interface DashboardData {
  connections: ConnectionView[];
  notices: Map<string, NotificationView[]>;
  apiKeys: ApiKeyView[];
}

async function loadDashboard(services: AppServices, merchant: Merchant): Promise<DashboardData> {
  const [rows, notifications, keys] = await Promise.all([
    listMerchantConnections(services.db, { merchantId: merchant.id, limit: DASHBOARD_LIMIT }),
    listMerchantNotifications(services.db, { merchantId: merchant.id, limit: DASHBOARD_LIMIT }),
    listMerchantApiKeys(services.db, { merchantId: merchant.id, limit: DASHBOARD_LIMIT }),
  ]);
  // Newest first: the connection just made is the one a merchant looks for.
  rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const notices = new Map<string, NotificationView[]>();
  for (const notification of notifications) {
    if (notification.resolvedAt) continue;
    const list = notices.get(notification.connectionId) ?? [];
    list.push(toNotificationView(notification));
    notices.set(notification.connectionId, list);
  }
  return { connections: await loadConnectionViews(services.db, rows), notices, apiKeys: keys.map(toApiKeyView) };
}
