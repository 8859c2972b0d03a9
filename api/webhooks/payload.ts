/**
 * Reads which QuickBooks companies a webhook delivery concerns, from either format Intuit sends:
 * the legacy `{"eventNotifications":[{"realmId", "dataChangeEvent"}]}` and the CloudEvents top-level
 * array `[{"specversion":"1.0","intuitaccountid", …}]` (intuitaccountid is the realmId).
 */
import { z } from '@hono/zod-openapi';

const realmId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/);

export const LegacyWebhookSchema = z
  .object({
    eventNotifications: z
      .array(
        z.looseObject({
          realmId,
          dataChangeEvent: z.looseObject({ entities: z.array(z.looseObject({ id: z.string(), operation: z.string(), name: z.string() })).optional() }).optional(),
        }),
      )
      .max(1000),
  })
  .openapi('LegacyWebhook');

export const CloudEventsWebhookSchema = z
  .array(z.looseObject({ specversion: z.string(), id: z.string().optional(), type: z.string().optional(), intuitaccountid: realmId, intuitentityid: z.string().optional() }))
  .max(1000)
  .openapi('CloudEventsWebhook');

export const WebhookBodySchema = z.union([LegacyWebhookSchema, CloudEventsWebhookSchema]);

export type WebhookFormat = 'legacy' | 'cloudevents';

/** The distinct realms of a parsed body, or undefined when the body is in neither format. */
export function realmsOfWebhook(body: unknown): { format: WebhookFormat; realmIds: string[] } | undefined {
  const legacy = LegacyWebhookSchema.safeParse(body);
  if (legacy.success) return { format: 'legacy', realmIds: [...new Set(legacy.data.eventNotifications.map((event) => event.realmId))] };
  const cloudEvents = CloudEventsWebhookSchema.safeParse(body);
  if (cloudEvents.success) return { format: 'cloudevents', realmIds: [...new Set(cloudEvents.data.map((event) => event.intuitaccountid))] };
  return undefined;
}
