/** @jsxImportSource hono/jsx */
/**
 * "Notice emails": where the merchant is told when a connection needs them (a notice is always on the
 * dashboard too), and a switch to stop the emails. A plain form post; see routes/dashboard.ts.
 */

export interface NoticeEmailsProps {
  email: string | null;
  notificationEmails: boolean;
}

export function NoticeEmailsSection({ email, notificationEmails }: NoticeEmailsProps) {
  return (
    <section id="notice-emails" aria-labelledby="notice-emails-heading">
      <h2 id="notice-emails-heading">Notice emails</h2>
      <p class="muted" data-testid="notice-email-status">
        {email === null
          ? 'No email address yet: notices appear only here on the dashboard.'
          : notificationEmails
            ? `When a connection needs you, we email ${email}.`
            : `Emails are turned off: notices appear only here on the dashboard (address kept: ${email}).`}
      </p>
      <form method="post" action="/dashboard/notice-emails" class="stacked">
        <label for="notice-email">Email address</label>
        <input id="notice-email" name="email" type="email" autocomplete="email" value={email ?? ''} placeholder="owner@example.com" />
        <label class="check">
          <input type="checkbox" name="notificationEmails" value="on" checked={notificationEmails} /> Email me notices
        </label>
        <button type="submit" class="secondary">
          Save
        </button>
      </form>
    </section>
  );
}
