/**
 * Sends email over SMTP with nodemailer: `smtp://user:pass@host:port`, or `smtps://…` for TLS from the
 * first byte (STARTTLS is used whenever a plain server offers it). Short timeouts: a slow server fails
 * the attempt and Temporal retries it later, with backoff; nothing waits on it meanwhile.
 */
import nodemailer from 'nodemailer';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The RFC 5322 Message-ID, `<…@…>`: the same for every attempt at one notice, so a receiver can drop a repeat. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

/** Longest SMTP answer kept on a notice: enough to say why, never a whole transcript. */
const MAX_ERROR_CHARS = 500;

/**
 * The error of a failed send without the SMTP credentials in it (a server may echo the user name back,
 * and a notice's recorded error is shown to the merchant): the same error, its message and SMTP answer
 * with the user name and password blanked, shortened to MAX_ERROR_CHARS.
 */
export function redactedSmtpError(error: unknown, secrets: string[]): Error {
  const hide = (text: string) => secrets.filter((secret) => secret.length >= 3).reduce((out, secret) => out.split(secret).join('***'), text).slice(0, MAX_ERROR_CHARS);
  const source = error instanceof Error ? error : new Error(String(error));
  const redacted = new Error(hide(source.message));
  const { responseCode, response, code } = source as { responseCode?: unknown; response?: unknown; code?: unknown };
  return Object.assign(redacted, {
    ...(typeof responseCode === 'number' ? { responseCode } : {}),
    ...(typeof response === 'string' ? { response: hide(response) } : {}),
    ...(typeof code === 'string' ? { code } : {}),
  });
}

/** An SMTP answer that no retry changes (5xx), as nodemailer reports it. */
export function permanentSmtpFailure(error: unknown): { code: number; response: string } | undefined {
  const responseCode = (error as { responseCode?: unknown } | null)?.responseCode;
  if (typeof responseCode !== 'number' || responseCode < 500 || responseCode > 599) return undefined;
  return { code: responseCode, response: String((error as { response?: unknown }).response ?? '') };
}

export function createMailer(options: { smtpUrl: string; from: string; timeoutMs?: number }): Mailer {
  const timeout = options.timeoutMs ?? 20_000;
  const url = new URL(options.smtpUrl);
  const secrets = [decodeURIComponent(url.username), decodeURIComponent(url.password)];
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(email) {
      try {
        await transport.sendMail({ from: options.from, to: email.to, subject: email.subject, text: email.text, html: email.html, messageId: email.messageId, headers: email.headers ?? {} });
      } catch (error) {
        throw redactedSmtpError(error, secrets);
      }
    },
    close: () => transport.close(),
  };
}
