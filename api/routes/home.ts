/** `GET /`: a placeholder until the merchant dashboard lands (a later issue). */
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { AppEnv } from '../env.js';
import { page } from '../pages/layout.js';

export function homeRoutes() {
  const router = new Hono<AppEnv>();
  router.get('/', async (c) =>
    c.html(
      await page(
        'QuickBooks sync',
        html`<h1>QuickBooks sync</h1>
          <p>The dashboard is on its way. Meanwhile the API is documented at <a href="/docs">/docs</a>.</p>`,
      ),
    ),
  );
  return router;
}
