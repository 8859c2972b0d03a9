import type { Context } from 'hono';

/** Browser flows (callback, Intuit's URLs) answer JSON to API clients and redirects or pages to browsers. */
export function wantsJson(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return /application\/(?:[\w.-]+\+)?json/i.test(accept) && !/text\/html/i.test(accept);
}

/** A browser following a link or a redirect (it asks for HTML): errors become a page it can read, not JSON. */
export function isBrowserNavigation(c: Context): boolean {
  return /text\/html/i.test(c.req.header('accept') ?? '') && !wantsJson(c);
}

/** A same-site path to send a browser to after login; anything else (absolute URLs, `//host`) is refused. */
export function safeLocalPath(candidate: string | undefined, fallback: string): string {
  if (!candidate || candidate.length > 2048) return fallback;
  if (!candidate.startsWith('/') || candidate.startsWith('//') || candidate.startsWith('/\\')) return fallback;
  if ([...candidate].some((char) => char.charCodeAt(0) < 0x20 || char === '\\')) return fallback;
  return candidate;
}
