/**
 * Plays the merchant's browser on the simulator's consent page: GET the authorize URL, read the HTML
 * form (its action, hidden fields, company radio buttons and Connect/Cancel buttons), submit it with the
 * chosen company and button, and return where Intuit redirects (the app's redirect URI with `code`,
 * `state` and `realmId`, or `error=access_denied`). An error page (unknown client, unregistered
 * redirect URI, no company) throws with the page's message.
 */

export interface ConsentChoice {
  /** The company to connect; by default the one the page pre-selects. */
  realmId?: string;
  decision?: 'connect' | 'cancel';
}

interface HtmlElement {
  tag: string;
  attributes: Map<string, string>;
}

export async function completeConsent(authorizeUrl: string, choice: ConsentChoice = {}): Promise<string> {
  const page = await fetch(authorizeUrl, { redirect: 'manual', headers: { accept: 'text/html' } });
  const location = page.headers.get('location');
  // Intuit redirects straight back for some errors (e.g. invalid_scope) without showing a page.
  if (page.status >= 300 && page.status < 400 && location) return new URL(location, authorizeUrl).toString();
  const html = await page.text();
  if (!page.ok) throw new Error(`the consent page is an error page (${page.status}): ${pageMessage(html)}`);

  const form = elements(html, 'form')[0];
  if (!form) throw new Error(`the consent page has no form: ${pageMessage(html)}`);
  const inputs = elements(html, 'input');
  const fields = new URLSearchParams();
  for (const input of inputs) {
    const name = input.attributes.get('name');
    if (!name || input.attributes.get('type') !== 'hidden') continue;
    fields.append(name, input.attributes.get('value') ?? '');
  }

  const companies = inputs.filter((input) => input.attributes.get('type') === 'radio' && input.attributes.get('name') === 'realmId');
  if (companies.length === 0) throw new Error(`the consent page offers no company: ${pageMessage(html)}`);
  const offered = companies.map((input) => input.attributes.get('value') ?? '');
  const preselected = companies.find((input) => input.attributes.has('checked'))?.attributes.get('value') ?? offered[0];
  const realmId = choice.realmId ?? preselected ?? '';
  if (!offered.includes(realmId)) throw new Error(`company ${realmId} is not offered on the consent page (offered: ${offered.join(', ')})`);
  fields.set('realmId', realmId);

  const decision = choice.decision ?? 'connect';
  const button = elements(html, 'button').find((element) => element.attributes.get('name') === 'decision' && element.attributes.get('value') === decision);
  if (!button) throw new Error(`the consent page has no "${decision}" button`);
  fields.set('decision', decision);

  const action = new URL(form.attributes.get('action') ?? '', page.url || authorizeUrl);
  const submitted = await fetch(action, {
    method: (form.attributes.get('method') ?? 'get').toUpperCase(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
    redirect: 'manual',
  });
  const redirect = submitted.headers.get('location');
  if (submitted.status < 300 || submitted.status >= 400 || !redirect) {
    throw new Error(`submitting the consent form did not redirect (${submitted.status}): ${pageMessage(await submitted.text())}`);
  }
  return new URL(redirect, action).toString();
}

/** Opening tags named `tag`, with their attributes (entity-decoded). Enough HTML for a form. */
function elements(html: string, tag: string): HtmlElement[] {
  const found: HtmlElement[] = [];
  const pattern = new RegExp(`<${tag}\\b([^>]*)>`, 'gi');
  for (const match of html.matchAll(pattern)) {
    const attributes = new Map<string, string>();
    for (const attribute of (match[1] ?? '').matchAll(/([^\s=/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
      attributes.set((attribute[1] as string).toLowerCase(), decodeEntities(attribute[2] ?? attribute[3] ?? attribute[4] ?? ''));
    }
    found.push({ tag, attributes });
  }
  return found;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number(lower.slice(1)));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[lower] ?? '';
  });
}

/** The visible text of a page's heading and alert, for error messages. */
function pageMessage(html: string): string {
  const text = (pattern: RegExp) => decodeEntities((pattern.exec(html)?.[1] ?? '').replace(/<[^>]+>/g, '').trim());
  const message = [text(/<h1[^>]*>([\s\S]*?)<\/h1>/i), text(/role="alert"[^>]*>([\s\S]*?)<\/p>/i)].filter(Boolean).join(': ');
  return message || html.slice(0, 200);
}
