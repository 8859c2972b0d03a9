/** The minimal HTML shell of the few pages outside the dashboard (notices), styled by a served stylesheet. */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { STYLESHEETS } from '../views/stylesheets.js';

export function page(title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>) {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <link rel="stylesheet" href="${STYLESHEETS.plainPage.href}" />
  </head>
  <body>
    ${body}
  </body>
</html>`;
}
