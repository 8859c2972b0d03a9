/**
 * Starts an OAuth authorization for a connection: issues a random `state` (256 bits), stores only its
 * hash bound to the merchant, the connection and the purpose, and builds Intuit's consent URL.
 */
import type { Executor } from '../../db/client.js';
import { createConnection, type Connection } from '../../db/queries/connections.js';
import { createOAuthState, type OAuthStatePurpose } from '../../db/queries/oauth-states.js';
import { hashSecret, randomSecret } from '../auth/secrets.js';
import type { AppServices } from '../services.js';

export const STATE_TTL_MS = 10 * 60 * 1000;

interface IssuedState {
  state: string;
  authorizeUrl: string;
}

async function issueState(services: AppServices): Promise<IssuedState> {
  const state = randomSecret();
  // Built before anything is written, so a failure here leaves nothing behind.
  return { state, authorizeUrl: await services.oauth.authorizeUrl({ state }) };
}

async function storeState(db: Executor, services: AppServices, params: { state: string; merchantId: string; connectionId: string; purpose: OAuthStatePurpose }) {
  await createOAuthState(db, {
    stateHash: hashSecret(params.state),
    merchantId: params.merchantId,
    connectionId: params.connectionId,
    purpose: params.purpose,
    expiresAt: new Date(services.clock().getTime() + STATE_TTL_MS),
  });
}

/** A new connection (`pending_authorization`) and its first authorize URL, written together. */
export async function startNewConnection(services: AppServices, merchantId: string): Promise<{ connection: Connection; authorizeUrl: string }> {
  const { state, authorizeUrl } = await issueState(services);
  const connection = await services.db.transaction(async (tx) => {
    const created = await createConnection(tx, { merchantId });
    await storeState(tx, services, { state, merchantId, connectionId: created.id, purpose: 'connect' });
    return created;
  });
  return { connection, authorizeUrl };
}

/** An authorize URL for an existing connection (the caller checked it may be re-authorized). */
export async function startReauthorization(services: AppServices, connection: Connection): Promise<string> {
  const { state, authorizeUrl } = await issueState(services);
  await storeState(services.db, services, { state, merchantId: connection.merchantId, connectionId: connection.id, purpose: 'reauthorize' });
  return authorizeUrl;
}
