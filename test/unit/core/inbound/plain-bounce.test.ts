import { describe, expect, it } from 'vitest';
import { plainTextBounce } from '#core/inbound/plain-bounce';

const lines = (...text: string[]): string => text.join('\n');

describe('plainTextBounce', () => {
  it.each([
    [
      'postfix',
      lines(
        'This is the mail system at host mx.example.net.',
        '',
        '<a@example.org> (expanded from <b@example.org>): host',
        '    x said: 550 5.1.1 unknown',
      ),
      ['a@example.org'],
    ],
    [
      'exim',
      lines(
        'This message was created automatically by mail delivery software.',
        '',
        'A message that you sent could not be delivered to one or more of its',
        'recipients. This is a permanent error. The following address(es) failed:',
        '',
        '  a@example.org',
        '    SMTP error from remote mail server after RCPT TO:<a@example.org>:',
        '    550 5.1.1 User unknown',
        '  b@example.org',
        '    550 5.2.2 Mailbox full',
      ),
      ['a@example.org', 'b@example.org'],
    ],
    [
      'qmail',
      lines(
        'Hi. This is the qmail-send program at mail.example.com.',
        '',
        '<a@example.org>:',
        'Remote host said: 550 5.1.1 no',
      ),
      ['a@example.org'],
    ],
    [
      'sendmail',
      lines(
        '   ----- The following addresses had permanent fatal errors -----',
        '<a@example.org>',
        '    (reason: 550 5.1.1 User unknown)',
      ),
      ['a@example.org'],
    ],
    [
      'exchange',
      lines(
        'Delivery has failed to these recipients or groups:',
        '',
        'a@example.org (a@example.org)',
        "Remote Server returned '550 5.1.10'",
      ),
      ['a@example.org'],
    ],
    [
      'lotus',
      lines(
        'Your message',
        '',
        'was not delivered to:',
        '',
        '  a@example.org',
        '',
        'because:',
        '  not listed',
      ),
      ['a@example.org'],
    ],
  ])('reads a %s notice and its failed recipients', (mta, text, recipients) => {
    expect(plainTextBounce(text)).toMatchObject({ mta, recipients, permanent: true });
  });

  it('stops looking for recipients at the copy of the returned message', () => {
    const text = lines(
      'This is the mail system at host mx.example.net.',
      '<a@example.org>: 550 5.1.1 unknown',
      '--- Below this line is a copy of the message.',
      '<c@example.org>: not a recipient, part of the copy',
    );

    expect(plainTextBounce(text)?.recipients).toEqual(['a@example.org']);
  });

  it('calls a delay warning temporary', () => {
    const text = lines(
      'This message was created automatically by mail delivery software.',
      'A message that you sent has not yet been delivered to one or more of its recipients.',
      '  a@example.org',
    );

    expect(plainTextBounce(text)).toMatchObject({ permanent: false, reason: 'plain-text bounce from exim' });
  });

  it('calls a 4.x.x status temporary', () => {
    const text = lines(
      'This is the mail system at host mx.example.net.',
      '<a@example.org>: 452 4.2.2 Mailbox full',
    );

    expect(plainTextBounce(text)).toMatchObject({
      permanent: false,
      reason: 'plain-text bounce from postfix: 4.2.2',
    });
  });

  it('finds nothing in an ordinary reply', () => {
    expect(plainTextBounce('Thursday works for me. The mail system at work is slow, sorry.')).toBeUndefined();
  });
});
