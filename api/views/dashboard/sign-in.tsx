/** @jsxImportSource hono/jsx */
/** The dashboard for a visitor without a session: sign in with the merchant API key (POST /session). */
import { FlashMessage } from './flash-message.js';
import { Layout } from './layout.js';
import type { Flash } from './wording.js';

export function SignInPage({ flash, next = '/' }: { flash: Flash | undefined; next?: string }) {
  return (
    <Layout title="Sign in">
      <section class="sign-in" aria-labelledby="sign-in-heading">
        <h1 id="sign-in-heading">Sign in</h1>
        <FlashMessage flash={flash} />
        <p class="muted">Use your merchant API key. It stays on this page: the dashboard keeps only a session cookie.</p>
        <form method="post" action="/session">
          <label for="apiKey">API key</label>
          <input id="apiKey" name="apiKey" type="password" autocomplete="current-password" placeholder="qbk_…" required />
          <input type="hidden" name="next" value={next} />
          <button type="submit">Sign in</button>
        </form>
      </section>
    </Layout>
  );
}
