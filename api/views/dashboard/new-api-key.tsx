/** @jsxImportSource hono/jsx */
/** The one page that shows a new API key: it is stored only as a hash, so it can never be shown again. */
import { Layout } from './layout.js';

export function NewApiKeyPage({ merchantName, apiKey }: { merchantName: string; apiKey: string }) {
  return (
    <Layout title="New API key" merchantName={merchantName}>
      <section class="card narrow" aria-labelledby="new-key-heading">
        <h1 id="new-key-heading">Your new API key</h1>
        <div class="flash success" role="status">
          <span aria-hidden="true">✓</span>
          <p>The key is created and works now.</p>
        </div>
        <p>
          <strong>Copy it now: this is the only time it is shown.</strong> We keep only a hash of it, so nobody can show it to you again.
        </p>
        <p class="secret">
          <code data-testid="new-api-key">{apiKey}</code>
        </p>
        <a class="button" href="/#api-keys">
          Done: back to the dashboard
        </a>
      </section>
    </Layout>
  );
}
