/** @jsxImportSource hono/jsx */
/**
 * The "API keys" section: each key by its prefix (the key itself is never shown again), when it was
 * created and last used, whether it is revoked; a button to create another and a link to revoke one
 * (behind a confirmation page). The last active key has no revoke link: the merchant would lock itself out.
 */
import type { ApiKeyView } from '../api-key.js';
import { When } from './when.js';

export interface ApiKeysProps {
  keys: ApiKeyView[];
  /** The key this browser's session was started with (revoking it signs the browser out). */
  sessionKeyId: string | null;
  now: Date;
}

function KeyRow({ apiKey, isSessionKey, revocable, now }: { apiKey: ApiKeyView; isSessionKey: boolean; revocable: boolean; now: Date }) {
  return (
    <tr data-api-key-id={apiKey.id} data-revoked={apiKey.revokedAt !== null ? 'true' : 'false'}>
      <th scope="row">
        <code>{apiKey.prefix}…</code>
        {isSessionKey && <span class="muted"> (this session)</span>}
      </th>
      <td>
        <When iso={apiKey.createdAt} now={now} />
      </td>
      <td>{apiKey.lastUsedAt ? <When iso={apiKey.lastUsedAt} now={now} /> : 'Never'}</td>
      <td>
        {apiKey.revokedAt ? (
          <span>
            Revoked <When iso={apiKey.revokedAt} now={now} />
          </span>
        ) : revocable ? (
          <a class="danger-link" href={`/dashboard/api-keys/${apiKey.id}/revoke`} aria-label={`Revoke API key ${apiKey.prefix}`}>
            Revoke…
          </a>
        ) : (
          <span class="muted">Active. Create another key before revoking this one.</span>
        )}
      </td>
    </tr>
  );
}

export function ApiKeysSection({ keys, sessionKeyId, now }: ApiKeysProps) {
  const active = keys.filter((key) => key.revokedAt === null);
  return (
    <section id="api-keys" aria-labelledby="api-keys-heading">
      <h2 id="api-keys-heading">API keys</h2>
      <p class="muted">Your integrations call the API with these keys. To rotate one, create a new key, switch your integration over, then revoke the old key.</p>
      <table class="keys" data-testid="api-keys">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((apiKey) => (
            <KeyRow apiKey={apiKey} isSessionKey={apiKey.id === sessionKeyId} revocable={active.length > 1} now={now} />
          ))}
        </tbody>
      </table>
      <form method="post" action="/dashboard/api-keys">
        <button type="submit" class="secondary">
          Create API key
        </button>
      </form>
    </section>
  );
}
