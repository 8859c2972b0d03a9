/** @jsxImportSource hono/jsx */
/** The signed-in dashboard: Data Sources (a card per connection), Browse Integrations and API keys. */
import type { ApiKeyView } from '../api-key.js';
import type { ConnectionView } from '../connection.js';
import type { NotificationView } from '../notification.js';
import { ApiKeysSection } from './api-keys-section.js';
import { ConnectionCard } from './connection-card.js';
import { FlashMessage } from './flash-message.js';
import { Layout } from './layout.js';
import { NoticeEmailsSection } from './notice-emails-section.js';
import { sourcesSummary } from './wording-counts.js';
import type { Flash } from './wording.js';

export interface DashboardProps {
  merchantName: string;
  /** Where notices are emailed, and whether they are. */
  merchantEmail: string | null;
  notificationEmails: boolean;
  connections: ConnectionView[];
  /** Unresolved notices per connection id. */
  notices: Map<string, NotificationView[]>;
  /** The merchant's API keys, newest first. */
  apiKeys: ApiKeyView[];
  /** The key this browser's session was started with. */
  sessionKeyId: string | null;
  flash: Flash | undefined;
  now: Date;
}

/** Seconds between reloads while a connection is visibly on its way (authorized and starting, or copying history). */
const REFRESH_WHILE_STARTING_S = 5;

function isStarting(connection: ConnectionView): boolean {
  return (connection.status === 'pending_authorization' && connection.realmId !== null) || (connection.status === 'active' && connection.phase === 'backfilling');
}

function Cards({ connections, notices, now }: Pick<DashboardProps, 'connections' | 'notices' | 'now'>) {
  return (
    <ul class="cards">
      {connections.map((connection) => (
        <ConnectionCard connection={connection} notices={notices.get(connection.id) ?? []} now={now} />
      ))}
    </ul>
  );
}

function BrowseIntegrations() {
  return (
    <section aria-labelledby="integrations-heading">
      <h2 id="integrations-heading">Browse Integrations</h2>
      <ul class="cards">
        <li class="card integration">
          <span class="logo" aria-hidden="true">
            qb
          </span>
          <div>
            <h3>QuickBooks Online</h3>
            <p>Invoices, sales receipts, credit memos, refund receipts, payments, customers and items, kept in sync.</p>
          </div>
          <form method="post" action="/dashboard/connections">
            <button type="submit" aria-label="Connect QuickBooks Online">
              Connect
            </button>
          </form>
        </li>
      </ul>
    </section>
  );
}

export function DashboardPage({ merchantName, merchantEmail, notificationEmails, connections, notices, apiKeys, sessionKeyId, flash, now }: DashboardProps) {
  const live = connections.filter((connection) => connection.status !== 'disconnected');
  const gone = connections.filter((connection) => connection.status === 'disconnected');
  const attention = live.filter((connection) => connection.status === 'needs_reauthorization').length;
  const starting = live.some(isStarting);
  return (
    <Layout title="Data Sources" merchantName={merchantName} refreshSeconds={starting ? REFRESH_WHILE_STARTING_S : undefined}>
      <FlashMessage flash={flash} />
      <section aria-labelledby="sources-heading">
        <h1 id="sources-heading">Data Sources</h1>
        <p class="muted">
          {live.length === 0
            ? 'No data source is connected yet. Connect QuickBooks below to start syncing.'
            : `${sourcesSummary(live.length, attention)} `}
          {live.length > 0 && <a href="/">Refresh</a>}
          {starting && ` (this page refreshes itself every ${REFRESH_WHILE_STARTING_S} seconds while a first sync runs)`}
        </p>
        {live.length > 0 && <Cards connections={live} notices={notices} now={now} />}
        {gone.length > 0 && (
          <details class="history">
            <summary>Disconnected data sources ({gone.length})</summary>
            <Cards connections={gone} notices={notices} now={now} />
          </details>
        )}
      </section>
      <BrowseIntegrations />
      <NoticeEmailsSection email={merchantEmail} notificationEmails={notificationEmails} />
      <ApiKeysSection keys={apiKeys} sessionKeyId={sessionKeyId} now={now} />
    </Layout>
  );
}
