/**
 * The email of a notice (pure): a subject that says what is needed and for which company, the notice
 * in plain text and HTML, and one button — for a connection that needs the merchant, straight into
 * Re-authorize for that connection (through sign-in when the browser has no session).
 */
import type { NotificationKind } from '../../shared/contract.js';

export interface NoticeEmailInput {
  kind: NotificationKind;
  message: string;
  connectionId: string;
  /** QuickBooks' name of the company, or null while unknown (the realm id stands in). */
  companyName: string | null;
  realmId: string | null;
  merchantName: string;
  publicBaseUrl: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  /** Where the one button leads. */
  actionUrl: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
/** Subjects are one line: a company name with a line break must not add headers or lines. */
const oneLine = (value: string) => value.replace(/[\r\n\t]+/g, ' ').trim();

export function reconnectUrl(publicBaseUrl: string, connectionId: string): string {
  return `${publicBaseUrl}/quickbooks/reconnect?connection=${encodeURIComponent(connectionId)}`;
}

export function renderNoticeEmail(input: NoticeEmailInput): RenderedEmail {
  const company = oneLine(input.companyName ?? (input.realmId ? `company ${input.realmId}` : 'your company'));
  const resumed = input.kind === 'reauthorized';
  const subject = {
    needs_reauthorization: `Action needed: reconnect QuickBooks for ${company}`,
    reauthorization_reminder: `Reminder: reconnect QuickBooks for ${company}`,
    refresh_token_expiring: `Action needed soon: re-authorize QuickBooks for ${company}`,
    reauthorized: `QuickBooks for ${company} is re-authorized and syncing again`,
  }[input.kind];
  const actionUrl = resumed ? `${input.publicBaseUrl}/#connection-${input.connectionId}` : reconnectUrl(input.publicBaseUrl, input.connectionId);
  const actionLabel = resumed ? 'Open the dashboard' : 'Re-authorize QuickBooks';
  const greeting = `Hello ${oneLine(input.merchantName)},`;
  const text = [
    greeting,
    '',
    input.message,
    '',
    `${actionLabel}: ${actionUrl}`,
    '',
    `QuickBooks company: ${company}${input.companyName && input.realmId ? ` (realm ${input.realmId})` : ''}`,
    'You receive this because notice emails are on for your account; turn them off on the dashboard under "Notice emails".',
  ].join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: system-ui, sans-serif; color: #1f2933; max-width: 36rem; margin: 0 auto; padding: 1rem;">
<p>${escapeHtml(greeting)}</p>
<p>${escapeHtml(input.message)}</p>
<p><a href="${escapeHtml(actionUrl)}" style="display: inline-block; background: #2ca01c; color: #ffffff; padding: .6rem 1.2rem; border-radius: 6px; text-decoration: none; font-weight: 600;">${escapeHtml(actionLabel)}</a></p>
<p style="color: #52606d; font-size: .9rem;">QuickBooks company: ${escapeHtml(company)}. You receive this because notice emails are on for your account; turn them off on the dashboard under "Notice emails".</p>
</body></html>
`;
  return { subject, text, html, actionUrl };
}
