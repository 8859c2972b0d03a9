/** The Hono environment of every route: what middleware puts into the request context. */
import type { Merchant } from '../db/queries/merchants.js';

export type AuthMethod = 'api_key' | 'session';

export interface AppVariables {
  requestId: string;
  /** Set by the merchant authentication middleware on merchant routes only. */
  merchant: Merchant;
  authMethod: AuthMethod;
}

export interface AppEnv {
  Variables: AppVariables;
}
