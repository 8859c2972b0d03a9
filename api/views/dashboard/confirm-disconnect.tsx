/** @jsxImportSource hono/jsx */
/** Disconnecting stops the sync for good, so it is asked once more, on a page of its own (no JavaScript). */
import type { ConnectionView } from '../connection.js';
import { Layout } from './layout.js';

export function ConfirmDisconnectPage({ merchantName, connection }: { merchantName: string; connection: ConnectionView }) {
  return (
    <Layout title="Disconnect QuickBooks" merchantName={merchantName}>
      <section class="card narrow" aria-labelledby="confirm-heading">
        <h1 id="confirm-heading">Disconnect QuickBooks{connection.realmId ? ` company ${connection.realmId}` : ''}?</h1>
        <p>We revoke our access at Intuit and stop syncing. The records synced so far stay available. To sync this company again later, connect QuickBooks anew.</p>
        <form method="post" action={`/dashboard/connections/${connection.id}/disconnect`} class="inline">
          <button type="submit" class="danger">
            Disconnect
          </button>
        </form>{' '}
        <a class="button secondary" href={`/#connection-${connection.id}`}>
          Keep it connected
        </a>
      </section>
    </Layout>
  );
}
