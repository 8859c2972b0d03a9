/**
 * The dashboard in a real browser (Debian's headless Chromium driven by playwright-core) against the
 * real product: the start command with the run's Temporal server (TEMPORAL_ADDRESS), a Postgres test
 * database (DATABASE_URL), its embedded QuickBooks simulator and its in-process worker. A merchant signs
 * in, connects QuickBooks through the simulator's consent form, watches the data arrive, loses the grant
 * when the app is disconnected inside QuickBooks, finds Re-authorize in the ⋯ menu with the keyboard,
 * re-authorizes from the notice email (caught by the mail sink, its link followed signed out: sign-in,
 * then consent), and ends with records equal to QuickBooks' snapshot; then syncs now and disconnects. A
 * second, bigger company, answered slowly by QuickBooks (a latency fault), shows the first sync's progress
 * bar (records stored of QuickBooks' count, time left) under its name while the page refreshes itself
 * until the sync is done. Screenshots of each state go to test-artifacts/e2e/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../shared/paths.js';
import { compareWithSnapshot, type RecordComparison } from '../../harness/verify-records.js';
import { createSimulatorControl, type CompanySnapshot, type SimulatorControl } from '../../simulator/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { launchStart, startEnv, type StartedProduct } from '../start/support/start-process.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts', 'e2e');
const COMPANY = { name: 'Browser Test Bakery', seed: 31, customers: 6, items: 4, invoices: 25, salesReceipts: 5, creditMemos: 2, refundReceipts: 2, payments: 5 };
/** Big enough for several pages per entity; QuickBooks is slowed for it (a latency fault) while the test watches the bar. */
const BIG_COMPANY = { name: 'Progress Bar Plumbing', seed: 47, customers: 1200, items: 100, invoices: 3000, salesReceipts: 600, creditMemos: 50, refundReceipts: 50, payments: 800 };

describe('the dashboard in a real browser', () => {
  let database: TestDatabase;
  let product: StartedProduct;
  let simulator: SimulatorControl;
  let context: BrowserContext;
  let page: Page;
  let dataDir: string;
  let userDataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'qbo-e2e-data-'));
    userDataDir = mkdtempSync(join(tmpdir(), 'qbo-e2e-chromium-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    database = await createTestDatabase();
    const env = await startEnv({
      dataDir,
      extra: {
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_NAMESPACE: inject('temporalNamespace'),
        TEMPORAL_TASK_QUEUE: `e2e-${process.pid}`,
      },
    });
    [product, context] = await Promise.all([
      launchStart(env),
      chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } }),
    ]);
    simulator = createSimulatorControl(product.urls.simulator!);
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    const status = await product?.stop('SIGINT');
    if (status && status.code !== 0) console.error(product.output());
    await database?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(userDataDir, { recursive: true, force: true });
  }, 60_000);

  const screenshot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const card = (connectionId: string): Locator => page.locator(`[data-connection-id="${connectionId}"]`);
  const badgeText = async (connectionId: string) => ((await card(connectionId).getByTestId('status-badge').textContent()) ?? '').trim();

  /** Reloads the dashboard until the connection's badge says `label` (a person pressing Refresh). */
  async function waitForBadge(connectionId: string, label: string, timeoutMs = 45_000) {
    await expect
      .poll(
        async () => {
          await page.goto(product.urls.dashboard);
          return badgeText(connectionId);
        },
        { timeout: timeoutMs, interval: 500 },
      )
      .toContain(label);
  }

  async function waitForSnapshotMatch(connectionId: string, realmId: string, timeoutMs = 60_000): Promise<{ comparison: RecordComparison; snapshot: CompanySnapshot }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const snapshot = await simulator.snapshot(realmId);
      const comparison = await compareWithSnapshot(database.db, connectionId, snapshot);
      if (comparison.lost + comparison.mismatched + comparison.duplicated === 0 && comparison.live > 0) return { comparison, snapshot };
      if (Date.now() > deadline) throw new Error(`records never matched the simulator's snapshot: ${JSON.stringify(comparison, null, 2)}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  /** The counts the card shows equal the snapshot's live records, entity by entity. */
  async function expectCardCountsToEqual(connectionId: string, snapshot: CompanySnapshot) {
    await page.goto(product.urls.dashboard);
    const table = card(connectionId).getByTestId('record-counts');
    let total = 0;
    for (const [entity, entries] of Object.entries(snapshot.entities)) {
      const live = entries.filter((entry) => !entry.deleted).length;
      total += live;
      expect(await table.locator(`[data-entity="${entity}"]`).textContent(), entity).toBe(live.toLocaleString('en-US'));
    }
    expect(await table.locator('[data-entity="total"]').textContent()).toBe(total.toLocaleString('en-US'));
  }

  /** Reads a locator on a page that may be reloading itself (its meta refresh): '' while it navigates. */
  const textOf = async (locator: Locator) => ((await locator.textContent({ timeout: 2_000 }).catch(() => null)) ?? '').trim();

  it('signs in, connects QuickBooks, parks on revocation, re-authorizes from the notice email, syncs and disconnects', async () => {
    const { realmId } = await simulator.createCompany(COMPANY);

    // Signed out, `/` is the sign-in form; the API key buys a session cookie.
    await page.goto(product.urls.dashboard);
    await screenshot('01-sign-in');
    await page.getByLabel('API key').fill(product.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Data Sources' }).isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page.getByRole('heading', { name: 'Browse Integrations' }).isVisible()).toBe(true);
    await screenshot('02-dashboard-empty');

    // Browse Integrations → Connect → the simulator's consent page, a real form.
    await page.getByRole('button', { name: 'Connect QuickBooks Online' }).click();
    await page.waitForURL(/\/connect\/oauth2/);
    await page.getByRole('radio', { name: new RegExp(COMPANY.name) }).check();
    await screenshot('03-consent');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();

    // Back on the dashboard with a message, a card for the new connection.
    await page.waitForURL(/\/\?(.*&)?connection=/); // the banner shows once: the page drops `result=` from its address
    expect(await page.getByTestId('flash').textContent()).toContain('QuickBooks is connected');
    const connectionId = new URL(page.url()).searchParams.get('connection')!;
    expect(await card(connectionId).count()).toBe(1);
    await screenshot('04-connected');

    // The data arrives: the records equal QuickBooks' snapshot and the card counts them.
    const first = await waitForSnapshotMatch(connectionId, realmId);
    await waitForBadge(connectionId, 'Syncing');
    await expectCardCountsToEqual(connectionId, first.snapshot);
    expect(await card(connectionId).getByTestId('last-sync').textContent()).not.toBe('Not yet');
    await screenshot('05-synced');
    // The card names the company as QuickBooks does; notices will be emailed to the merchant's address.
    expect(await card(connectionId).getByTestId('company-name').textContent()).toBe(COMPANY.name);
    const contact = await fetch(`${product.urls.dashboard}v1/merchant`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${product.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@e2e.example' }),
    });
    expect(contact.status).toBe(200);

    // The merchant disconnects our app inside QuickBooks ("My Apps" → Disconnect); Intuit then sends their
    // browser to our Disconnect URL, which says what happened and what to do. The connection parks.
    await page.goto(`${product.urls.simulator!}/__simulator/companies/${realmId}/disconnect`);
    await page.getByRole('button', { name: 'Disconnect' }).first().click();
    await page.waitForURL(/\/quickbooks\/disconnect\?realmId=/);
    await expect.poll(() => page.getByRole('heading', { name: 'QuickBooks was disconnected' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'reconnect QuickBooks' }).getAttribute('href')).toBe(`/quickbooks/reconnect?realmId=${realmId}`);
    await screenshot('06-disconnect-url');
    await page.goto(product.urls.dashboard);
    await waitForBadge(connectionId, 'Needs attention');
    expect(await card(connectionId).getByTestId('notice').first().textContent()).toContain('Needs attention');
    await screenshot('06b-needs-attention');

    // The books change while the connection is parked.
    await simulator.applyChanges(realmId, { create: { Invoice: 3, Customer: 1 }, update: { Invoice: 2, Item: 1 }, delete: { Invoice: 1 }, void: { SalesReceipt: 1 } });

    // ⋯ → Re-authorize is there for the keyboard: the menu is a <details> disclosure of real buttons.
    const summary = card(connectionId).locator('details.menu > summary');
    expect(await summary.getAttribute('aria-label')).toContain('Actions for QuickBooks');
    await summary.focus();
    await page.keyboard.press('Enter');
    expect(await card(connectionId).locator('details.menu').getAttribute('open')).not.toBeNull();
    await page.keyboard.press('Tab');
    expect((await page.locator(':focus').textContent())?.trim()).toBe('Re-authorize');
    await screenshot('07-menu-open');

    // The notice was also emailed (caught by npm start's mail sink). The merchant re-authorizes from the
    // email: its one button leads straight into Re-authorize for this connection, through consent, and
    // back to the dashboard.
    const subject = `Action needed: reconnect QuickBooks for ${COMPANY.name}`;
    const caught = async () => ((await (await fetch(`${product.urls.mail!}mails.json`)).json()) as { data: { subject: string; text: string }[] }).data;
    await expect.poll(async () => (await caught()).filter((mail) => mail.subject === subject).length, { timeout: 30_000, interval: 500 }).toBe(1);
    const link = `${product.urls.dashboard}quickbooks/reconnect?connection=${connectionId}`;
    expect((await caught()).find((mail) => mail.subject === subject)!.text).toContain(link);
    // The notice says where its email went, on the card and in the API.
    await expect
      .poll(async () => (await page.goto(product.urls.dashboard), (await card(connectionId).getByTestId('notice-email').first().textContent().catch(() => ''))?.trim()), { timeout: 15_000, interval: 500 })
      .toMatch(/^Emailed to owner@e2e\.example /);
    const notices = (await (await fetch(`${product.urls.dashboard}v1/notifications?connectionId=${connectionId}`, { headers: { authorization: `Bearer ${product.apiKey}` } })).json()) as {
      data: { kind: string; email: Record<string, unknown> }[];
    };
    expect(notices.data.find((notice) => notice.kind === 'needs_reauthorization')?.email).toMatchObject({ status: 'sent', to: 'owner@e2e.example', attempts: 1, sentAt: expect.any(String), error: null });
    await page.goto(product.urls.mail!);
    await screenshot('06c-mail-caught');
    // Read on another device, say: no session, so the button goes through sign-in, then straight on.
    await context.clearCookies();
    await page.getByRole('link', { name: link }).first().click();
    await page.waitForURL(/\/login\?next=/);
    await screenshot('06c2-email-link-sign-in');
    await page.getByLabel('API key').fill(product.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/connect\/oauth2/);
    await screenshot('06d-email-link-consent');
    await page.getByRole('radio', { name: new RegExp(COMPANY.name) }).check();
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.waitForURL(/\/\?(.*&)?connection=/);
    expect(new URL(page.url()).searchParams.get('connection')).toBe(connectionId);
    expect(await page.getByTestId('flash').textContent()).toContain('re-authorized');
    await screenshot('08-reauthorized');

    // Syncing again, from its checkpoint, to exactly QuickBooks' records; the notice is resolved.
    const resumed = await waitForSnapshotMatch(connectionId, realmId);
    expect(resumed.comparison.live).toBeGreaterThan(first.comparison.live);
    await waitForBadge(connectionId, 'Syncing');
    await expectCardCountsToEqual(connectionId, resumed.snapshot);
    await expect.poll(async () => (await page.goto(product.urls.dashboard), card(connectionId).getByTestId('notice').count()), { timeout: 15_000, interval: 500 }).toBe(0);
    await screenshot('09-resumed');

    // ⋯ → Sync now.
    await summary.click();
    await card(connectionId).getByRole('button', { name: 'Sync now' }).click();
    await page.waitForURL(/\/\?(.*&)?connection=/);
    expect(await page.getByTestId('flash').textContent()).toContain('Sync requested');

    // ⋯ → Disconnect…, confirmed on its own page.
    await card(connectionId).locator('details.menu > summary').click();
    await card(connectionId).getByRole('link', { name: 'Disconnect…' }).click();
    await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await page.waitForURL(/\/\?(.*&)?connection=/);
    await expect
      .poll(async () => {
        await page.goto(product.urls.dashboard);
        return page.locator(`[data-connection-id="${connectionId}"][data-status="disconnected"]`).count();
      }, { timeout: 30_000, interval: 500 })
      .toBe(1);
    await page.locator('details.history > summary').click();
    expect(await badgeText(connectionId)).toContain('Disconnected');
    await screenshot('10-disconnected');
  });

  it('shows the first sync\'s progress under the company\'s name, and refreshes itself until the sync is done', async () => {
    const { realmId } = await simulator.createCompany(BIG_COMPANY);
    const records = Object.values((await simulator.snapshot(realmId)).entities).reduce((sum, entries) => sum + entries.filter((entry) => !entry.deleted).length, 0);
    // QuickBooks answers this company slowly (3 s a request) while the bar is watched.
    await simulator.setFaults({ rules: [{ kind: 'latency', rate: 1, realmId, latencyMs: 3_000, target: 'api' }] });
    try {
      await page.goto(product.urls.dashboard);
      if (await page.getByRole('button', { name: 'Sign in' }).isVisible()) {
        await page.getByLabel('API key').fill(product.apiKey);
        await page.getByRole('button', { name: 'Sign in' }).click();
      }
      await page.getByRole('button', { name: 'Connect QuickBooks Online' }).click();
      await page.waitForURL(/\/connect\/oauth2/);
      await page.getByRole('radio', { name: new RegExp(BIG_COMPANY.name) }).check();
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      await page.waitForURL(/\/\?(.*&)?connection=/);
      const connectionId = new URL(page.url()).searchParams.get('connection')!;

      // The bar: records stored of QuickBooks' count, with the time left once the pace is known.
      const progress = card(connectionId).getByTestId('backfill-progress');
      const line = /^([\d,]+) of about ([\d,]+) records copied \((\d+)%\), (about \d+ minutes? left|less than a minute left)$/;
      await expect.poll(async () => textOf(progress.locator('p')), { timeout: 60_000, interval: 250 }).toMatch(line);
      const [, stored, total, percent] = line.exec(await textOf(progress.locator('p')))!.map((part) => part.replace(/,/g, '')) as [string, string, string, string];
      expect(Number(total)).toBe(records);
      expect(Number(stored)).toBeGreaterThan(0);
      expect(Number(stored)).toBeLessThan(records);
      expect(Number(percent)).toBe(Math.floor((Number(stored) / records) * 100));
      expect(await progress.locator('progress').getAttribute('max')).toBe(String(records));
      expect(await textOf(card(connectionId).getByTestId('company-name'))).toBe(BIG_COMPANY.name);
      expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('5; url=/');
      await screenshot('11-first-sync-progress');

      // The API says the same: the company by name, and the progress.
      const view = (await (await fetch(`${product.urls.dashboard}v1/connections/${connectionId}`, { headers: { authorization: `Bearer ${product.apiKey}` } })).json()) as {
        companyName: string;
        progress: { stored: number; estimatedTotal: number } | null;
      };
      expect(view.companyName).toBe(BIG_COMPANY.name);
      expect(view.progress?.estimatedTotal).toBe(records);
      expect(view.progress?.stored).toBeGreaterThanOrEqual(Number(stored));

      // QuickBooks speeds up; nobody touches the page: it reloads itself until the sync is done, then stops.
      await simulator.clearFaults();
      const state = async () => ({
        syncing: (await textOf(card(connectionId).getByTestId('status-badge'))).endsWith('Syncing'),
        synced: /ago|just now/.test(await textOf(card(connectionId).getByTestId('last-sync'))),
        bars: await progress.count().catch(() => 1),
      });
      await expect.poll(state, { timeout: 120_000, interval: 500 }).toEqual({ syncing: true, synced: true, bars: 0 });
      expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
      const done = await waitForSnapshotMatch(connectionId, realmId);
      expect(done.comparison.live).toBe(records);
      await screenshot('12-first-sync-done');
    } finally {
      await simulator.clearFaults();
    }
  });
});
