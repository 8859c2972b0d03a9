/** The simulator's tunable behaviour: Intuit's real numbers by default, the strictest reading where Intuit's documentation is vague. */
import { z } from 'zod';
import type { SimulatorConfig } from '../types.js';

export const DEFAULT_CONFIG: Readonly<SimulatorConfig> = Object.freeze({
  accessTokenTtlSeconds: 3600,
  refreshTokenTtlSeconds: 8_726_400,
  refreshTokenHardTtlSeconds: 5 * 365 * 86_400,
  refreshTokenRotation: 'daily',
  supersededRefreshTokenGraceSeconds: 0,
  authorizationCodeTtlSeconds: 600,
  throttle: true,
  requestsPerMinute: 500,
  requestsPerSecond: null,
  maxConcurrentRequests: 10,
  cdcMaxObjects: 1000,
  cdcOrder: 'intuit',
  cdcOrderSeed: 0,
  cdcMaxLookbackDays: 30,
  queryMaxResults: 1000,
});

const positiveInt = z.number().int().positive();

/** A partial config as `POST /__simulator/config` and `startSimulator({ config })` accept it. */
export const configPatchSchema = z.strictObject({
  accessTokenTtlSeconds: positiveInt,
  refreshTokenTtlSeconds: positiveInt,
  refreshTokenHardTtlSeconds: positiveInt,
  refreshTokenRotation: z.enum(['every_refresh', 'daily']),
  supersededRefreshTokenGraceSeconds: z.number().int().min(0),
  authorizationCodeTtlSeconds: positiveInt,
  throttle: z.boolean(),
  requestsPerMinute: positiveInt,
  requestsPerSecond: positiveInt.nullable(),
  maxConcurrentRequests: positiveInt,
  cdcMaxObjects: positiveInt,
  cdcOrder: z.enum(['intuit', 'adversarial']),
  cdcOrderSeed: z.number().int().min(0),
  cdcMaxLookbackDays: positiveInt,
  queryMaxResults: positiveInt,
}).partial() satisfies z.ZodType<Partial<SimulatorConfig>>;

export function mergeConfig(base: SimulatorConfig, patch: Partial<SimulatorConfig>): SimulatorConfig {
  const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  return { ...base, ...defined };
}
