/**
 * A local SMTP server that keeps what it is sent instead of delivering it: `npm start` runs one when no
 * SMTP_URL is set (its page lists the caught mails, see ./mail-sink-page.ts), and the tests receive the
 * product's notice emails through it, parsed with mailparser. Only what it acknowledged (250 after DATA)
 * counts as caught: a message whose sender died before that answer was never delivered, as with a real
 * server. A test can make it answer otherwise (`respond`): a 4xx or 5xx, or hold the answer back.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  /** Order of arrival, from 1. */
  seq: number;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  messageId: string | null;
  headers: Record<string, string>;
  text: string;
  html: string | null;
}

/** How to answer a message once its data has arrived: accept it, refuse it, or never answer (`hold`). */
export type SinkAnswer = 'accept' | 'hold' | { code: number; message: string };

export interface MailSink {
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  port: number;
  mails(): CaughtMail[];
  /** Messages whose data arrived, answered or not (a held one counts). */
  attempts(): number;
  respond(answer: (attempt: number) => SinkAnswer): void;
  waitFor(predicate: (mails: CaughtMail[]) => boolean, timeoutMs?: number): Promise<CaughtMail[]>;
  close(): Promise<void>;
}

const MAX_KEPT = 500;

export async function startMailSink(options: { port?: number; host?: string } = {}): Promise<MailSink> {
  const caught: CaughtMail[] = [];
  const waiters = new Set<() => void>();
  let attempts = 0;
  let answer: (attempt: number) => SinkAnswer = () => 'accept';

  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: no certificate to trust, and nodemailer would otherwise upgrade with STARTTLS.
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    closeTimeout: 2_000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        attempts += 1;
        const decision = answer(attempts);
        if (decision === 'hold') return; // the sender waits; if it dies now, nothing was delivered
        if (decision !== 'accept') return callback(Object.assign(new Error(decision.message), { responseCode: decision.code }));
        simpleParser(Buffer.concat(chunks))
          .then((parsed) => {
            const headers: Record<string, string> = {};
            for (const line of parsed.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).trim();
            caught.push({
              seq: caught.length + 1,
              receivedAt: new Date().toISOString(),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              subject: parsed.subject ?? '',
              messageId: parsed.messageId ?? null,
              headers,
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : null,
            });
            if (caught.length > MAX_KEPT) caught.shift();
            callback();
            for (const wake of waiters) wake();
          })
          .catch((error: unknown) => callback(error as Error));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  server.on('error', () => {}); // a sender that vanishes mid-conversation is not our failure
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails: () => [...caught],
    attempts: () => attempts,
    respond(next) {
      answer = next;
    },
    waitFor(predicate, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(caught)) return;
          cleanup();
          resolve([...caught]);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`the mail sink did not get the expected mail within ${timeoutMs} ms; it has ${caught.length}: ${caught.map((mail) => mail.subject).join(' | ')}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
