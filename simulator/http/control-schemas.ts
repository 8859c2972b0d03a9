/** zod schemas for every control-API body: anything else is answered with a 400 naming each problem. */
import { z } from 'zod';
import { QUICKBOOKS_ENTITIES } from '../engine/company/entity-kinds.js';
import type { ChangeRequest, CreateCompanyRequest, DisconnectRequest, FaultSettings, SimulatorApp, WebhookSubscriptionRequest } from '../types.js';

const MAX_RECORDS_PER_ENTITY = 1_000_000;
/** Past this the simulator would need gigabytes; benchmarks use about 100,000. */
const MAX_RECORDS_PER_COMPANY = 2_000_000;
const MAX_CHANGES_PER_ENTITY = 100_000;

const recordCount = z.number().int().min(0).max(MAX_RECORDS_PER_ENTITY);
const seed = z.number().int().min(0).max(2 ** 32 - 1);
const httpUrl = z.url({ protocol: /^https?$/ });

export const createCompanySchema = z.strictObject({
  seed: seed.optional(),
  name: z.string().trim().min(1).max(120).optional(),
  invoices: recordCount.optional(),
  salesReceipts: recordCount.optional(),
  creditMemos: recordCount.optional(),
  refundReceipts: recordCount.optional(),
  payments: recordCount.optional(),
  customers: recordCount.optional(),
  items: recordCount.optional(),
}).superRefine((request, ctx) => {
  const transactions = (request.invoices ?? 0) + (request.salesReceipts ?? 0) + (request.creditMemos ?? 0) + (request.refundReceipts ?? 0) + (request.payments ?? 0);
  if (request.customers === 0 && transactions > 0) ctx.addIssue({ code: 'custom', path: ['customers'], message: 'transactions need at least one customer' });
  if (request.items === 0 && transactions - (request.payments ?? 0) > 0) ctx.addIssue({ code: 'custom', path: ['items'], message: 'sales documents need at least one item' });
  if (transactions + (request.customers ?? 0) + (request.items ?? 0) > MAX_RECORDS_PER_COMPANY) {
    ctx.addIssue({ code: 'custom', path: [], message: `at most ${MAX_RECORDS_PER_COMPANY} records per company` });
  }
}) satisfies z.ZodType<CreateCompanyRequest>;

const entityCounts = z.partialRecord(z.enum(QUICKBOOKS_ENTITIES), z.number().int().min(0).max(MAX_CHANGES_PER_ENTITY));

export const changeRequestSchema = z.strictObject({
  create: entityCounts.optional(),
  update: entityCounts.optional(),
  delete: entityCounts.optional(),
  void: entityCounts.optional(),
  inSecondOfLastAnswer: z.boolean().optional(),
}) satisfies z.ZodType<ChangeRequest>;

export const disconnectSchema = z.strictObject({ clientId: z.string().min(1).optional() }) satisfies z.ZodType<DisconnectRequest>;

export const clockSchema = z.strictObject({ advance: z.string().min(1) });

const delayMs = z.number().int().min(0).max(600_000);

export const faultSettingsSchema = z.strictObject({
  seed: seed.optional(),
  rules: z.array(
    z.strictObject({
      kind: z.enum(['500', '503', '429', '403', 'timeout', 'reset', 'latency']),
      rate: z.number().min(0).max(1),
      target: z.enum(['api', 'oauth', 'all']).optional(),
      realmId: z.string().min(1).optional(),
      latencyMs: delayMs.optional(),
      hangMs: delayMs.optional(),
      remaining: z.number().int().min(0).optional(),
    }),
  ).max(50),
}) satisfies z.ZodType<FaultSettings>;

export const appSchema = z.strictObject({
  clientId: z.string().min(1).max(200),
  clientSecret: z.string().min(1).max(200),
  redirectUris: z.array(httpUrl).min(1),
  disconnectUrl: httpUrl.optional(),
}) satisfies z.ZodType<SimulatorApp>;

export const webhookSchema = z.strictObject({
  url: httpUrl,
  verifierToken: z.string().min(1),
  format: z.enum(['legacy', 'cloudevents']),
}) satisfies z.ZodType<WebhookSubscriptionRequest>;

export const requestLogQuerySchema = z.strictObject({
  realmId: z.string().min(1).optional(),
  since: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO-8601 timestamp').optional(),
  kind: z.enum(['oauth', 'api']).optional(),
});

export const grantFilterSchema = z.strictObject({
  realmId: z.string().min(1).optional(),
  clientId: z.string().min(1).optional(),
});

export const issuedSecretFilterSchema = z.strictObject({
  realmId: z.string().min(1).optional(),
  clientId: z.string().min(1).optional(),
  kind: z.enum(['authorization_code', 'access_token', 'refresh_token']).optional(),
});
