/** The minimal HTML shell of the few pages the API serves itself (login, placeholders, notices). */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export function page(title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>) {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <style>
      body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; color: #1f2933; }
      input, button { font: inherit; padding: 0.5rem; } input { width: 100%; box-sizing: border-box; margin: 0.5rem 0 1rem; }
    </style>
  </head>
  <body>
    ${body}
  </body>
</html>`;
}
