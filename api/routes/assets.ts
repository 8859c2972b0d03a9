/** `GET /assets/<name>.css` and `.js`: the pages' stylesheets and script (api/views/stylesheets.ts, scripts.ts). Not in the OpenAPI document. */
import { Hono } from 'hono';
import { scriptForFile } from '../views/scripts.js';
import { stylesheetForFile } from '../views/stylesheets.js';
import type { AppEnv } from '../env.js';

/**
 * An hour, not "immutable": during a rolling deploy an old replica may answer a new URL with old
 * content, and that mistake must not stick in browsers for long (?v=<hash> already busts caches).
 */
const CACHE_SECONDS = 60 * 60;

export function assetRoutes() {
  const router = new Hono<AppEnv>();
  router.get('/assets/:file', (c) => {
    const file = c.req.param('file');
    const cache = `public, max-age=${CACHE_SECONDS}`;
    const sheet = stylesheetForFile(file);
    if (sheet) return c.body(sheet.css, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': cache });
    const script = scriptForFile(file);
    if (script) return c.body(script.js, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': cache });
    return c.notFound();
  });
  return router;
}
