/**
 * The Content-Security-Policy in a real browser (Debian's headless Chromium via playwright-core): the
 * real app (test harness, real Postgres and Temporal) served over HTTP, every HTML page loaded, and no
 * `securitypolicyviolation` event or CSP console message anywhere. The API docs still work (Swagger UI
 * renders the operations from our own assets), the dashboard's served stylesheet applies, and the
 * Connect button still reaches Intuit's consent page (the policy's form-action allows it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/index.js';
import { createApiHarness, type SimulatedApiHarness } from '../api/support/harness.js';
import { htmlPages, signedInMerchant, type HtmlPage, type SignedInMerchant } from '../api/support/html-pages.js';
import { API_SIMULATOR } from '../api/support/oauth-flow.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Runs in every document before its own scripts (as source text: this project compiles without the DOM library). */
const COLLECT_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (event) => {
  (window.cspViolations ??= []).push(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') + ' (' + event.sourceFile + ':' + event.lineNumber + ')');
});`;

describe('the Content-Security-Policy in Chromium', () => {
  let simulator: RunningSimulator;
  let h: SimulatedApiHarness;
  let server: Server;
  let origin: string;
  let context: BrowserContext;
  let userDataDir: string;
  let merchant: SignedInMerchant;
  /** CSP reports from the console and from `securitypolicyviolation` events, per page visited. */
  const reported: string[] = [];

  beforeAll(async () => {
    h = await createApiHarness({ simulator: API_SIMULATOR });
    simulator = h.simulator;
    server = createAdaptorServer({ fetch: h.app.fetch }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    merchant = await signedInMerchant(h);
    userDataDir = mkdtempSync(join(tmpdir(), 'qbo-csp-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    await context.addCookies([{ name: merchant.cookie.split('=')[0]!, value: merchant.cookie.split('=').slice(1).join('='), url: origin }]);
    await context.addInitScript({ content: COLLECT_VIOLATIONS });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await new Promise((resolve) => server?.close(resolve));
    await h?.close();
  });

  async function open(target: HtmlPage | string): Promise<Page> {
    const path = typeof target === 'string' ? target : target.path;
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (message) => {
      if (/Content.Security.Policy|Refused to/i.test(message.text())) reported.push(`${path}: console: ${message.text()}`);
    });
    page.on('pageerror', (error) => reported.push(`${path}: page error: ${error.message}`));
    const response = await page.goto(`${origin}${path}`, { waitUntil: 'load' });
    expect(response?.status(), path).toBe(200);
    expect(response?.headers()['content-security-policy'], path).toBeTruthy();
    return page;
  }

  async function violationsIn(page: Page, path: string): Promise<string[]> {
    const events = (await page.evaluate('window.cspViolations ?? []')) as string[];
    return [...events.map((event) => `${path}: ${event}`), ...reported.splice(0).filter((line) => line.startsWith(`${path}:`))];
  }

  it('renders every HTML page without a single policy violation', async () => {
    for (const target of htmlPages(merchant)) {
      // The signed-out sign-in page is `/` without the cookie: a context of its own.
      if (target.name.startsWith('sign-in')) continue;
      const page = await open(target);
      expect(await violationsIn(page, target.path), target.name).toEqual([]);
      await page.close();
    }
  });

  it('styles the dashboard from its served stylesheet', async () => {
    const page = await open('/');
    expect(await page.getByRole('heading', { name: 'Data Sources' }).isVisible()).toBe(true);
    // --bg of the dashboard stylesheet: proof the sheet loaded and applied under the policy.
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(245, 247, 250)');
    expect(await violationsIn(page, '/')).toEqual([]);
    await page.close();
  });

  it('serves working API docs: Swagger UI renders and expands operations from our own assets', async () => {
    const page = await open('/docs');
    await expect.poll(() => page.locator('.swagger-ui .info .title').textContent(), { timeout: 15_000 }).toContain('QuickBooks sync API');
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(20);
    await page.locator('.opblock-summary').first().click();
    await page.locator('.opblock-body').first().waitFor();
    const requested = new Set<string>();
    page.on('request', (request) => requested.add(new URL(request.url()).origin));
    await page.reload({ waitUntil: 'networkidle' });
    expect([...requested]).toEqual([origin]);
    expect(await violationsIn(page, '/docs')).toEqual([]);
    await page.close();
  });

  it("still lets the dashboard's Connect button take the merchant to Intuit's consent page", async () => {
    const page = await open('/');
    await page.getByRole('button', { name: 'Connect QuickBooks Online' }).click();
    await page.waitForURL(/\/connect\/oauth2/);
    expect(new URL(page.url()).origin).toBe(new URL(simulator.url).origin);
    await page.close();
    expect(reported.filter((line) => line.startsWith('/:'))).toEqual([]);
  });
});
