/** What a failed send leaves on a notice: the SMTP server's answer, never the SMTP credentials. */
import { describe, expect, it } from 'vitest';
import { permanentSmtpFailure, redactedSmtpError } from '../../activities/email/mailer.js';

describe('a failed SMTP send as recorded', () => {
  it('keeps the answer and its code but blanks the user name and password', () => {
    const error = Object.assign(new Error('Invalid login: 535 5.7.8 user notices@sync.example, password hunter2-secret rejected'), {
      responseCode: 535,
      response: '535 5.7.8 notices@sync.example: hunter2-secret is wrong',
      code: 'EAUTH',
    });
    const redacted = redactedSmtpError(error, ['notices@sync.example', 'hunter2-secret']);
    expect(redacted.message).toBe('Invalid login: 535 5.7.8 user ***, password *** rejected');
    expect(redacted).toMatchObject({ responseCode: 535, response: '535 5.7.8 ***: *** is wrong', code: 'EAUTH' });
    expect(permanentSmtpFailure(redacted)).toEqual({ code: 535, response: '535 5.7.8 ***: *** is wrong' });
  });

  it('shortens a long answer and tells a 4xx (retried) from a 5xx (permanent)', () => {
    const long = redactedSmtpError(Object.assign(new Error(`451 ${'x'.repeat(2_000)}`), { responseCode: 451 }), []);
    expect(long.message).toHaveLength(500);
    expect(permanentSmtpFailure(long)).toBeUndefined();
    expect(permanentSmtpFailure(redactedSmtpError(new Error('connect ECONNREFUSED 127.0.0.1:25'), ['']))).toBeUndefined();
  });
});
