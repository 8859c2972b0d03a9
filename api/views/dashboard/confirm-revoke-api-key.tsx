/** @jsxImportSource hono/jsx */
/** Revoking a key breaks whatever still uses it, so it is asked once more, on a page of its own (no JavaScript). */
import type { ApiKeyView } from '../api-key.js';
import { Layout } from './layout.js';

export function ConfirmRevokeApiKeyPage({ merchantName, apiKey, isSessionKey }: { merchantName: string; apiKey: ApiKeyView; isSessionKey: boolean }) {
  return (
    <Layout title="Revoke API key" merchantName={merchantName}>
      <section class="card narrow" aria-labelledby="confirm-heading">
        <h1 id="confirm-heading">
          Revoke API key <code>{apiKey.prefix}…</code>?
        </h1>
        <p>Every request made with this key is refused from now on. Integrations still using it stop working until they get another key.</p>
        {isSessionKey && (
          <p class="notice">
            <strong>
              <span aria-hidden="true">⚠ </span>You signed in with this key:
            </strong>{' '}
            revoking it signs you out of the dashboard. Sign in again with another key.
          </p>
        )}
        <form method="post" action={`/dashboard/api-keys/${apiKey.id}/revoke`} class="inline">
          <button type="submit" class="danger">
            Revoke
          </button>
        </form>{' '}
        <a class="button secondary" href="/#api-keys">
          Keep it
        </a>
      </section>
    </Layout>
  );
}
