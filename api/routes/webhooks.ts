/**
 * Intuit's webhook deliveries. The signature is checked on the raw body before anything parses it; a
 * verified delivery makes each live connection of the named companies sync now. Intuit wants a 200
 * within 3 s, so Temporal gets a bounded share of that and the rest happens in the background.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { ApiError } from '../http/errors.js';
import { rateLimitPerClient } from '../http/rate-limit.js';
import { createRouter } from '../http/router.js';
import type { AppServices } from '../services.js';
import { errorResponses } from '../views/error.js';
import { signalRealms } from '../webhooks/fan-out.js';
import { CloudEventsWebhookSchema, LegacyWebhookSchema, realmsOfWebhook } from '../webhooks/payload.js';
import { isValidIntuitSignature } from '../webhooks/signature.js';

/** How long the answer may wait for Temporal: well inside Intuit's 3 s. */
export const WEBHOOK_SIGNAL_WAIT_MS = 1_500;

const Acknowledged = z
  .object({ received: z.literal(true), format: z.enum(['legacy', 'cloudevents']), realms: z.number().int(), connections: z.number().int() })
  .openapi('WebhookAcknowledged');

const route = createRoute({
  method: 'post',
  path: '/webhooks/quickbooks',
  tags: ['QuickBooks'],
  summary: 'Intuit webhooks (legacy and CloudEvents bodies), verified by the intuit-signature header',
  request: {
    headers: z.object({ 'intuit-signature': z.string().openapi({ description: 'base64(HMAC-SHA256(raw body, verifier token))' }) }),
    body: { required: true, content: { 'application/json': { schema: z.union([LegacyWebhookSchema, CloudEventsWebhookSchema]) } } },
  },
  responses: {
    200: { description: 'Acknowledged (unknown companies are acknowledged and ignored)', content: { 'application/json': { schema: Acknowledged } } },
    ...errorResponses(400, 401, 413, 429, 503),
  },
});

export function webhookRoutes(services: AppServices) {
  const router = createRouter();
  const limit = rateLimitPerClient({ db: services.db, group: 'webhooks', limit: services.config.rateLimits.webhooks, trustedProxyHops: services.config.trustedProxyHops, clock: services.clock });
  // Documented from the schemas above, but handled by hand: zod must not see the body before the signature is checked.
  router.openAPIRegistry.registerPath(route);

  router.post(route.path, limit, async (c) => {
    const verifierToken = services.config.webhookVerifierToken;
    if (!verifierToken) {
      services.logger.error('a webhook arrived but INTUIT_WEBHOOK_VERIFIER_TOKEN is not configured');
      throw new ApiError('webhooks_not_configured', 'Webhooks are not configured on this server.');
    }
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (!isValidIntuitSignature(raw, c.req.header('intuit-signature'), verifierToken)) {
      services.metrics.webhooks.inc({ outcome: 'invalid_signature' });
      throw new ApiError('invalid_signature', 'The intuit-signature header is missing or does not match the body.');
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(raw).toString('utf8'));
    } catch {
      services.metrics.webhooks.inc({ outcome: 'invalid_json' });
      throw new ApiError('invalid_json', 'The webhook body is not JSON.');
    }
    const parsed = realmsOfWebhook(body);
    if (!parsed) {
      services.metrics.webhooks.inc({ outcome: 'webhook_body_invalid' });
      throw new ApiError('webhook_body_invalid', 'The body is neither an eventNotifications object nor a CloudEvents array.');
    }
    const fanOut = await signalRealms(services, { realmIds: parsed.realmIds, reason: 'webhook', waitMs: WEBHOOK_SIGNAL_WAIT_MS });
    services.metrics.webhooks.inc({ outcome: fanOut.connections === 0 && fanOut.settled ? 'unknown_realm' : 'accepted' });
    services.logger.info({ format: parsed.format, realms: parsed.realmIds.length, ...fanOut }, 'webhook received');
    return c.json({ received: true as const, format: parsed.format, realms: parsed.realmIds.length, connections: fanOut.connections }, 200);
  });

  return router;
}
