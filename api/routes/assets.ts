/** `GET /assets/<name>.css`: the pages' stylesheets (see api/views/stylesheets.ts). Not in the OpenAPI document. */
import { Hono } from 'hono';
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
    const sheet = stylesheetForFile(c.req.param('file'));
    if (!sheet) return c.notFound();
    return c.body(sheet.css, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': `public, max-age=${CACHE_SECONDS}` });
  });
  return router;
}
