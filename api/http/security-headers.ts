/**
 * Security headers on every response, HTML or not (a browser may render either): Hono's secureHeaders
 * plus a strict Content-Security-Policy. Our pages hold no inline script, no event-handler attribute,
 * no <style> block and no style attribute — scripts (only /docs has any) and stylesheets are files we
 * serve — so the policy allows scripts and styles from our own origin only, and nothing else unless
 * listed. Framing is refused outright.
 */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from '../env.js';
import type { AppServices } from '../services.js';

export function securityHeaders(services: AppServices): MiddlewareHandler<AppEnv> {
  return secureHeaders({
    xFrameOptions: 'DENY',
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      // Swagger UI's stylesheet draws its icons as data: SVG images.
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      // Swagger UI fetches /openapi.json.
      connectSrc: ["'self'"],
      // Connect and Re-authorize are form posts that redirect to Intuit's consent page, and browsers
      // hold a redirect after a form post to form-action too.
      formAction: ["'self'", ...consentOrigin(services)],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  });
}

/**
 * The origin of Intuit's consent page (the simulator's in tests and `npm start`). The OAuth client only
 * builds whole consent URLs, so one is built here with a throwaway state, never stored nor sent.
 */
function consentOrigin(services: AppServices): string[] {
  try {
    const url = new URL(services.oauth.authorizeUrl({ state: 'content-security-policy' }));
    return url.origin === 'null' ? [] : [url.origin];
  } catch {
    return [];
  }
}
