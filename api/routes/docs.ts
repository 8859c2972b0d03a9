/**
 * The OpenAPI document (generated from the same zod schemas that validate requests) and a browsable
 * Swagger UI at /docs, served from the swagger-ui-dist package so it works offline.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import type { AppServices } from '../services.js';
import { SESSION_COOKIE } from '../auth/sessions.js';

const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};
const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });
});\n`;
const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>QuickBooks sync API</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/init.js"></script>
  </body>
</html>\n`;

export function registerSecuritySchemes(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'merchantKey', { type: 'http', scheme: 'bearer', description: 'A merchant API key (qbk_…)' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminKey', { type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'dashboardSession', { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Set by POST /session' });
}

export function openApiDocument(app: OpenAPIHono<AppEnv>, services: AppServices) {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'QuickBooks sync API',
      version: '1.0.0',
      description:
        'Connect QuickBooks Online companies and read what was synced. Errors are `{"error":{"code","message","requestId"}}`. ' +
        'Every text parameter and body field must be valid Unicode without U+0000 (and within its length limit): anything else is refused with `400 validation_failed` (`400 invalid_cursor` inside a cursor).',
    },
    servers: [{ url: services.config.publicBaseUrl }],
  });
}

export function docsRoutes(app: OpenAPIHono<AppEnv>, services: AppServices) {
  const router = new Hono<AppEnv>();
  let document: ReturnType<typeof openApiDocument> | undefined;
  const assets = new Map<string, Buffer>();

  router.get('/openapi.json', (c) => c.json((document ??= openApiDocument(app, services))));
  router.get('/docs', (c) => c.html(DOCS_PAGE));
  router.get('/docs/assets/init.js', (c) => c.body(INITIALIZER, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  router.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    const contentType = ASSETS[file];
    if (!contentType) return c.notFound();
    let body = assets.get(file);
    if (!body) assets.set(file, (body = await readFile(join(SWAGGER_DIR, file))));
    return c.body(new Uint8Array(body), 200, { 'Content-Type': contentType, 'Cache-Control': 'public, max-age=86400' });
  });
  return router;
}
