/** Liveness, readiness (the database and Temporal both answer) and the Prometheus scrape. */
import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { createRouter } from '../http/router.js';
import type { AppServices } from '../services.js';

const READINESS_TIMEOUT_MS = 2_000;

const CheckSchema = z.object({ ok: z.boolean(), error: z.string().optional() });
const ReadinessSchema = z.object({ status: z.enum(['ready', 'not_ready']), checks: z.object({ database: CheckSchema, temporal: CheckSchema }) }).openapi('Readiness');

async function check(run: () => Promise<unknown>): Promise<z.infer<typeof CheckSchema>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([run(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS)))]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message.split('\n')[0]!.slice(0, 200) : 'failed' };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(services: AppServices) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['Operations'],
      summary: 'Liveness: the process answers',
      responses: { 200: { description: 'Alive', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      tags: ['Operations'],
      summary: 'Readiness: the database and Temporal answer',
      responses: {
        200: { description: 'Ready', content: { 'application/json': { schema: ReadinessSchema } } },
        503: { description: 'A dependency is down', content: { 'application/json': { schema: ReadinessSchema } } },
      },
    }),
    async (c) => {
      const [database, temporal] = await Promise.all([
        check(() => services.db.execute(sql`select 1`)),
        check(() => services.temporal.client.withDeadline(Date.now() + READINESS_TIMEOUT_MS, () => services.temporal.client.workflowService.getSystemInfo({}))),
      ]);
      if (!database.ok || !temporal.ok) services.logger.warn({ database, temporal }, 'not ready');
      const ready = database.ok && temporal.ok;
      return ready ? c.json({ status: 'ready' as const, checks: { database, temporal } }, 200) : c.json({ status: 'not_ready' as const, checks: { database, temporal } }, 503);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags: ['Operations'],
      summary: 'Prometheus metrics',
      responses: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } } },
    }),
    async (c) => {
      const body = await services.metrics.registry.metrics();
      return c.text(body, 200, { 'Content-Type': services.metrics.registry.contentType });
    },
  );

  return router;
}
