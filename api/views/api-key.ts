import { z } from '@hono/zod-openapi';
import type { ApiKey } from '../../db/queries/api-keys.js';

/** A key as its merchant may see it: never the key itself nor its hash, only the prefix that tells keys apart. */
export const ApiKeySchema = z
  .object({
    id: z.uuid(),
    prefix: z.string().openapi({ description: 'The first characters of the key (qbk_ and 6 more), to tell keys apart', example: 'qbk_Ab3dE9' }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable().openapi({ description: 'When the key last authenticated a request, to within 5 minutes; null if never' }),
    revokedAt: z.string().nullable().openapi({ description: 'When the key was revoked; a revoked key is refused' }),
  })
  .openapi('ApiKey');

export const CreatedApiKeySchema = z
  .object({
    id: z.uuid(),
    prefix: z.string(),
    apiKey: z.string().openapi({ description: 'Shown once; store it now', example: 'qbk_…' }),
  })
  .openapi('CreatedApiKey');

export type ApiKeyView = z.infer<typeof ApiKeySchema>;

export function toApiKeyView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    prefix: key.keyPrefix,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt ? key.lastUsedAt.toISOString() : null,
    revokedAt: key.revokedAt ? key.revokedAt.toISOString() : null,
  };
}
