/**
 * Every HTML page carries a strict Content-Security-Policy (scripts and styles from our own origin only,
 * no inline code, no framing) and contains nothing that policy would have to allow: no inline script,
 * no event-handler attribute, no <style> block, no style attribute. The stylesheets the pages link are
 * served by us. (test/e2e/content-security-policy.browser.test.ts loads the same pages in Chromium.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from './support/harness.js';
import { expectStrictPolicy, htmlPages, inlineCodeIn, signedInMerchant, type HtmlPage } from './support/html-pages.js';

describe('Content-Security-Policy of the HTML pages', () => {
  let h: ApiHarness;
  let pages: HtmlPage[];

  beforeAll(async () => {
    h = await createApiHarness();
    pages = htmlPages(await signedInMerchant(h));
  });
  afterAll(async () => h?.close());

  it('sends a strict policy with every HTML page, whose markup needs no exception from it', async () => {
    expect(pages.map((page) => page.name)).toHaveLength(7);
    for (const page of pages) {
      const response = await h.request(page.path, { headers: page.headers });
      expect(response.status, page.name).toBe(200);
      expect(response.headers.get('content-type'), page.name).toMatch(/^text\/html/);
      expectStrictPolicy(response.headers.get('content-security-policy'), page.name);
      expect(response.headers.get('x-frame-options'), page.name).toBe('DENY');
      expect(response.headers.get('x-content-type-options'), page.name).toBe('nosniff');
      const html = await response.text();
      expect(inlineCodeIn(html), page.name).toEqual([]);
      for (const [, href] of html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g)) {
        const stylesheet = await h.request(href!);
        expect(stylesheet.status, `${page.name}: ${href}`).toBe(200);
        expect(stylesheet.headers.get('content-type'), `${page.name}: ${href}`).toMatch(/^text\/css/);
      }
    }
  });

  it('sends the policy with error pages and JSON answers too (a browser may render either)', async () => {
    for (const path of ['/nowhere', '/v1/connections', '/healthz']) {
      expectStrictPolicy((await h.request(path)).headers.get('content-security-policy'), path);
    }
  });
});
