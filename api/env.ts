/** The Hono environment of every route: what middleware puts into the request context. */
import type { Merchant } from '../db/queries/merchants.js';

export type AuthMethod = 'api_key' | 'session';

export interface AppVariables {
  requestId: string;
  /** Set by the merchant authentication middleware on merchant routes only. */
  merchant: Merchant;
  authMethod: AuthMethod;
  /** The API key the request acts with: the Bearer key, or the one its session was started with (null for older sessions). */
  apiKeyId: string | null;
}

export interface AppEnv {
  Variables: AppVariables;
}
