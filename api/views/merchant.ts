/** A merchant as the API shows it: who it is and where its notices are emailed. Never its keys. */
import { z } from '@hono/zod-openapi';
import type { Merchant } from '../../db/queries/merchants.js';

/** An email address we would send to: what a person types, trimmed, at most 254 characters (RFC 5321). */
export const EmailAddress = z.string().trim().max(254).pipe(z.email({ message: 'must be an email address, e.g. owner@example.com' }));

export const MerchantSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string().nullable().openapi({ description: 'Where notices are emailed (once each); null: no emails', example: 'owner@example.com' }),
    notificationEmails: z.boolean().openapi({ description: 'Whether notices are emailed; they are always on the dashboard and in /v1/notifications' }),
    createdAt: z.string(),
  })
  .openapi('Merchant');

/** What a merchant (or an operator for it) may change: the address, or whether notices are emailed at all. */
export const MerchantContactChangesSchema = z
  .object({
    email: EmailAddress.nullable().optional().openapi({ description: 'A new address, or null to remove it' }),
    notificationEmails: z.boolean().optional(),
  })
  .strict()
  .refine((body) => body.email !== undefined || body.notificationEmails !== undefined, { message: 'give `email`, `notificationEmails` or both' })
  .openapi('MerchantContactChanges');

export type MerchantView = z.infer<typeof MerchantSchema>;

export function toMerchantView(merchant: Merchant): MerchantView {
  return { id: merchant.id, name: merchant.name, email: merchant.email, notificationEmails: merchant.notificationEmails, createdAt: merchant.createdAt.toISOString() };
}
