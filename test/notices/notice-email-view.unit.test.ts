/** How a notice's email shows to the merchant: in the API (`email.status`) and as one quiet line under the notice. */
import { describe, expect, it } from 'vitest';
import type { ConnectionView } from '../../api/views/connection.js';
import { ConnectionCard } from '../../api/views/dashboard/connection-card.js';
import { toNotificationEmailView, type NotificationEmailView, type NotificationView } from '../../api/views/notification.js';
import type { NotificationEmail } from '../../db/queries/notifications.js';

const NOW = new Date('2026-03-04T12:00:00Z');
const outbox = (fields: Partial<NotificationEmail>): NotificationEmail => ({
  notificationId: '00000000-0000-4000-8000-000000000001',
  idempotencyKey: 'notice-00000000-0000-4000-8000-000000000001',
  status: 'pending',
  recipient: null,
  attempts: 0,
  lastError: null,
  sentAt: null,
  createdAt: NOW,
  ...fields,
});

describe("a notice's email", () => {
  it('is sent, pending, failed or off in the API; skipped, and a notice from before emails, read as off', () => {
    expect(toNotificationEmailView(outbox({ status: 'sent', recipient: 'a@b.example', attempts: 1, sentAt: NOW }))).toEqual({ status: 'sent', to: 'a@b.example', attempts: 1, sentAt: NOW.toISOString(), error: null });
    expect(toNotificationEmailView(outbox({ status: 'failed', recipient: 'a@b.example', attempts: 1, lastError: 'Message failed: 550 No such mailbox' }))).toMatchObject({ status: 'failed', error: 'Message failed: 550 No such mailbox' });
    expect(toNotificationEmailView(outbox({ status: 'skipped', lastError: 'the merchant turned notice emails off' }))).toMatchObject({ status: 'off', error: 'the merchant turned notice emails off' });
    expect(toNotificationEmailView(null)).toEqual({ status: 'off', to: null, attempts: 0, sentAt: null, error: null });
  });

  async function cardLine(email: NotificationEmailView): Promise<string | null> {
    const connection = {
      id: '00000000-0000-4000-8000-0000000000c1',
      provider: 'quickbooks',
      realmId: '9341452000000001',
      companyName: 'Demo Landscaping LLC',
      companyCountry: 'US',
      homeCurrency: 'USD',
      status: 'needs_reauthorization',
      phase: 'waiting_for_reauthorization',
      statusReason: null,
      needsReauthorizationSince: NOW.toISOString(),
      lastSyncedAt: NOW.toISOString(),
      lastError: null,
      counts: {},
      progress: null,
      workflowId: 'quickbooks-connection-00000000-0000-4000-8000-0000000000c1',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    } as unknown as ConnectionView;
    const notice: NotificationView = { id: '00000000-0000-4000-8000-000000000001', connectionId: connection.id, kind: 'needs_reauthorization', message: 'QuickBooks stopped sharing data.', createdAt: NOW.toISOString(), resolvedAt: null, email };
    const html = String(await ConnectionCard({ connection, notices: [notice], now: NOW }));
    const match = /<p class="muted" data-testid="notice-email"[^>]*>(.*?)<\/p>/s.exec(html);
    return match ? match[1]!.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim() : null;
  }

  it('shows under the notice as one quiet line, and not at all when emails are off', async () => {
    const base = { to: 'owner@demo.example', attempts: 1, sentAt: null, error: null };
    expect(await cardLine({ ...base, status: 'sent', sentAt: NOW.toISOString() })).toBe('Emailed to owner@demo.example just now.');
    expect(await cardLine({ ...base, status: 'pending', attempts: 0 })).toBe('Being emailed to owner@demo.example.');
    expect(await cardLine({ ...base, status: 'pending', attempts: 2, error: 'connect ECONNREFUSED 127.0.0.1:25' })).toBe('Not emailed yet: the mail server did not take it (connect ECONNREFUSED 127.0.0.1:25); trying again.');
    expect(await cardLine({ ...base, status: 'failed', error: 'Message failed: 550 No such mailbox' })).toBe('Could not be emailed to owner@demo.example: Message failed: 550 No such mailbox');
    expect(await cardLine({ ...base, status: 'off', to: null, attempts: 0, error: 'the merchant turned notice emails off' })).toBeNull();
  });
});
