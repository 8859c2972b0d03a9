/** @jsxImportSource hono/jsx */
/** The page shell of the dashboard: header (who is signed in, sign out), skip link, the served stylesheet. */
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { SCRIPTS } from '../scripts.js';
import { STYLESHEETS } from '../stylesheets.js';

export interface LayoutProps {
  title: string;
  merchantName?: string | undefined;
  /** Reload the page every so many seconds (only while something visibly changes by itself), without the one-time message. */
  refreshSeconds?: number | undefined;
  children?: Child;
}

export function Layout({ title, merchantName, refreshSeconds, children }: LayoutProps) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          {refreshSeconds !== undefined && <meta http-equiv="refresh" content={`${refreshSeconds}; url=/`} />}
          <title>{title} · QuickBooks sync</title>
          <link rel="stylesheet" href={STYLESHEETS.dashboard.href} />
          <script src={SCRIPTS.dashboard.href} defer></script>
        </head>
        <body>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="top">
            <span class="brand">QuickBooks sync</span>
            <nav aria-label="Account">
              <a href="/docs">API docs</a>
              {merchantName !== undefined && (
                <>
                  <span class="muted">
                    Signed in as <strong>{merchantName}</strong>
                  </span>
                  <form class="inline" method="post" action="/dashboard/sign-out">
                    <button type="submit" class="secondary">
                      Sign out
                    </button>
                  </form>
                </>
              )}
            </nav>
          </header>
          <main id="main">{children}</main>
        </body>
      </html>
    </>
  );
}
