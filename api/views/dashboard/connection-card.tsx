/** @jsxImportSource hono/jsx */
/**
 * One data source: status badge (icon + words), last sync, records per entity, open notices, and the
 * ⋯ menu (a <details> disclosure: keyboard- and JavaScript-free) with the actions its status allows.
 */
import { QUICKBOOKS_ENTITIES } from '../../../shared/contract.js';
import type { ConnectionView } from '../connection.js';
import type { NotificationEmailView, NotificationView } from '../notification.js';
import { percent, timeLeftText } from './backfill-eta.js';
import { When } from './when.js';
import { ENTITY_LABELS, PHASE_TEXT, STATUS_BADGES } from './wording.js';

export interface CardProps {
  connection: ConnectionView;
  /** The connection's unresolved notices, newest first. */
  notices: NotificationView[];
  now: Date;
}

/** The company as the merchant knows it: QuickBooks' name once known, else its realm id. */
function companyName(connection: ConnectionView): string {
  if (connection.companyName) return connection.companyName;
  return connection.realmId ? `company ${connection.realmId}` : 'a company not chosen yet';
}

function companyLine(connection: ConnectionView): string {
  if (connection.companyName) return connection.companyName;
  return connection.realmId ? `Company ${connection.realmId}` : 'No company chosen yet';
}

/** The first backfill's progress bar: records stored of QuickBooks' count, and the time left at this pace. */
function BackfillProgressBar({ connection, now }: { connection: ConnectionView; now: Date }) {
  const { progress } = connection;
  if (!progress) return null;
  const label = `${progress.stored.toLocaleString('en-US')} of about ${progress.estimatedTotal.toLocaleString('en-US')} records copied`;
  return (
    <div class="progress" data-testid="backfill-progress">
      <progress value={progress.stored} max={Math.max(progress.estimatedTotal, 1)} aria-label="First sync progress">
        {percent(progress)}%
      </progress>
      <p class="muted">
        {label} ({percent(progress)}%), {timeLeftText(progress, now)}
      </p>
    </div>
  );
}

function ActionButton({ connection, action, label, className }: { connection: ConnectionView; action: string; label: string; className?: string }) {
  return (
    <form method="post" action={`/dashboard/connections/${connection.id}/${action}`}>
      <button type="submit" class={className}>
        {label}
      </button>
    </form>
  );
}

function ActionsMenu({ connection }: { connection: ConnectionView }) {
  const { status } = connection;
  if (status === 'disconnected') return null;
  return (
    <details class="menu" data-testid="actions-menu">
      <summary aria-label={`Actions for QuickBooks ${companyName(connection)}`} title="Actions">
        <span aria-hidden="true">⋯</span>
      </summary>
      <ul class="menu-items">
        <li>
          <ActionButton connection={connection} action="reauthorize" label={status === 'pending_authorization' ? 'Continue connecting' : 'Re-authorize'} />
        </li>
        {status === 'active' && (
          <li>
            <ActionButton connection={connection} action="sync" label="Sync now" />
          </li>
        )}
        <li>
          <a class="danger-item" href={`/dashboard/connections/${connection.id}/disconnect`}>
            Disconnect…
          </a>
        </li>
      </ul>
    </details>
  );
}

function RecordCounts({ connection }: { connection: ConnectionView }) {
  const total = QUICKBOOKS_ENTITIES.reduce((sum, entity) => sum + (connection.counts[entity] ?? 0), 0);
  return (
    <table class="counts" data-testid="record-counts">
      <caption>Records synced</caption>
      <tbody>
        {QUICKBOOKS_ENTITIES.map((entity) => (
          <tr>
            <th scope="row">{ENTITY_LABELS[entity]}</th>
            <td data-entity={entity}>{(connection.counts[entity] ?? 0).toLocaleString('en-US')}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td data-entity="total">{total.toLocaleString('en-US')}</td>
        </tr>
      </tfoot>
    </table>
  );
}

/** One quiet line under a notice: whether it reached the merchant's inbox (nothing when emails are off). */
function NoticeEmail({ email, now }: { email: NotificationEmailView; now: Date }) {
  if (email.status === 'off') return null;
  const to = email.to ?? 'your address';
  return (
    <p class="muted" data-testid="notice-email" data-email-status={email.status}>
      {email.status === 'sent' && email.sentAt && (
        <>
          Emailed to {to} <When iso={email.sentAt} now={now} />.
        </>
      )}
      {email.status === 'pending' && (email.attempts === 0 ? <>Being emailed to {to}.</> : <>Not emailed yet: the mail server did not take it ({email.error}); trying again.</>)}
      {email.status === 'failed' && <>Could not be emailed to {to}: {email.error}</>}
    </p>
  );
}

function Notices({ connection, notices, now }: CardProps) {
  if (notices.length === 0) return null;
  return (
    <>
      {notices.map((notice) => (
        <div class="notice" role="note" data-testid="notice">
          <p>
            <strong>
              <span aria-hidden="true">⚠ </span>Needs attention:
            </strong>{' '}
            {notice.message} <span class="muted">(<When iso={notice.createdAt} now={now} />)</span>
          </p>
          <NoticeEmail email={notice.email} now={now} />
          {notice.kind !== 'refresh_token_expiring' && connection.status === 'needs_reauthorization' && (
            <ActionButton connection={connection} action="reauthorize" label="Re-authorize QuickBooks" />
          )}
        </div>
      ))}
    </>
  );
}

function LastProblem({ connection, now }: { connection: ConnectionView; now: Date }) {
  const { lastError, lastSyncedAt, status } = connection;
  if (!lastError || status !== 'active') return null;
  // A problem that a later successful sync has overcome is history, not news.
  if (lastSyncedAt && new Date(lastSyncedAt) > new Date(lastError.at)) return null;
  return (
    <p class="problem">
      <span aria-hidden="true">⚠ </span>Last problem: {lastError.message} (<When iso={lastError.at} now={now} />; retrying on its own)
    </p>
  );
}

export function ConnectionCard(props: CardProps) {
  const { connection, now } = props;
  const badge = STATUS_BADGES[connection.status];
  const headingId = `connection-${connection.id}-heading`;
  return (
    <li class="card" id={`connection-${connection.id}`} data-status={connection.status} data-connection-id={connection.id} aria-labelledby={headingId}>
      <header>
        <h3 id={headingId}>QuickBooks Online</h3>
        <ActionsMenu connection={connection} />
      </header>
      <p class="status">
        <span class={`badge ${connection.status}`} data-testid="status-badge">
          <span aria-hidden="true">{badge.icon}</span>
          {badge.label}
        </span>
      </p>
      <p class="meta">
        <span data-testid="company-name">{companyLine(connection)}</span>
        {connection.companyName && connection.realmId && <span class="muted"> (realm {connection.realmId})</span>} · added <When iso={connection.createdAt} now={now} />
      </p>
      <dl class="facts">
        <dt>Last sync</dt>
        <dd data-testid="last-sync">{connection.lastSyncedAt ? <When iso={connection.lastSyncedAt} now={now} /> : 'Not yet'}</dd>
        {connection.status === 'active' && connection.phase && (
          <>
            <dt>Now</dt>
            <dd>{PHASE_TEXT[connection.phase]}</dd>
          </>
        )}
        {connection.status === 'needs_reauthorization' && connection.needsReauthorizationSince && (
          <>
            <dt>Paused</dt>
            <dd>
              since <When iso={connection.needsReauthorizationSince} now={now} />, at its checkpoint
            </dd>
          </>
        )}
      </dl>
      <BackfillProgressBar connection={connection} now={now} />
      {connection.realmId && <RecordCounts connection={connection} />}
      <Notices {...props} />
      <LastProblem connection={connection} now={now} />
      {connection.status === 'pending_authorization' &&
        (connection.realmId ? (
          <p class="muted">QuickBooks authorized this connection; the first sync is starting.</p>
        ) : (
          <div>
            <p class="muted">Authorization was started but not finished.</p>
            <ActionButton connection={connection} action="reauthorize" label="Continue connecting" className="secondary" />
          </div>
        ))}
    </li>
  );
}
