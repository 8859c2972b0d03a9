/**
 * The page of the mails `npm start`'s mail sink caught (newest first), so a person trying the product
 * sees the notice emails a merchant would get, buttons included. `GET /` is the page, `GET /mails.json`
 * the same as JSON. Local only: it listens on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CaughtMail, MailSink } from './mail-sink.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
/** The links of a mail, so the page offers its button without rendering the mail's own HTML. */
const linksOf = (mail: CaughtMail) => [...new Set([...(mail.html ?? '').matchAll(/href="([^"]+)"/g)].map((match) => match[1]!.replace(/&amp;/g, '&')))];

function renderPage(mails: CaughtMail[]): string {
  const items = [...mails]
    .reverse()
    .map(
      (mail) => `<article data-seq="${mail.seq}">
<h2>${escapeHtml(mail.subject)}</h2>
<p class="meta">To ${escapeHtml(mail.to.join(', '))} · ${escapeHtml(mail.receivedAt)}</p>
<ul>${linksOf(mail).map((href) => `<li><a href="${escapeHtml(href)}">${escapeHtml(href)}</a></li>`).join('')}</ul>
<pre>${escapeHtml(mail.text)}</pre>
</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mail sink · QuickBooks sync</title>
<meta http-equiv="refresh" content="10">
</head><body>
<h1>Caught mail (${mails.length})</h1>
<p>Notice emails <code>npm start</code> would have sent; set SMTP_URL to send them for real. This page reloads every 10 seconds.</p>
${items || '<p>None yet.</p>'}
</body></html>
`;
}

export interface MailSinkPage {
  url: string;
  stop(): Promise<void>;
}

export async function startMailSinkPage(options: { sink: MailSink; port: number }): Promise<MailSinkPage> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/mails.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: options.sink.mails() }));
    } else if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(renderPage(options.sink.mails()));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/`, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
