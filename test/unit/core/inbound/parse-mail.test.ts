import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAIL_LIMITS, MailUnreadable, parseMail } from '#core/inbound/parse-mail';
import { LARGE_MAIL_BLOCK, largeMail } from '../../../fixtures/inbound/large-mail.ts';

const dir = fileURLToPath(new URL('../../../fixtures/inbound/', import.meta.url));
const fixture = (name: string): Uint8Array => readFileSync(`${dir}${name}`);
const mail = (text: string): Uint8Array => new TextEncoder().encode(text.replace(/\r?\n/g, '\r\n'));

const unreadableReason = async (raw: Uint8Array, limits = DEFAULT_MAIL_LIMITS): Promise<string> => {
  try {
    await parseMail(raw, limits);
  } catch (error) {
    if (error instanceof MailUnreadable) return error.reason;
    throw error;
  }
  return 'parsed';
};

/** A multipart whose every part is another multipart, `levels` deep. */
const nested = (levels: number): Uint8Array => {
  let body = 'Content-Type: text/plain\r\n\r\ninnermost\r\n';
  for (let level = levels; level > 0; level--) {
    body = `Content-Type: multipart/mixed; boundary="b${level}"\r\n\r\n--b${level}\r\n${body}--b${level}--\r\n`;
  }
  return mail(`From: a@example.org\r\nSubject: deep\r\nMIME-Version: 1.0\r\n${body}`);
};

describe('parseMail', () => {
  it('reads message ids without angle brackets and the references list in order', async () => {
    // Act
    const parsed = await parseMail(fixture('thunderbird-inline-reply.eml'));

    // Assess
    expect(parsed.messageId).toBe('8d6f0c2e-4b1a-4e0f-9a7c-2b3d4e5f6a7b@example.org');
    expect(parsed.inReplyTo).toBe('tandem.spring-2027.0002@tandem.localhost');
    expect(parsed.references).toEqual([
      'tandem.spring-2027.0001@tandem.localhost',
      'tandem.spring-2027.0002@tandem.localhost',
    ]);
  });

  it('reads a folded Message-ID header', async () => {
    const parsed = await parseMail(fixture('outlook-exchange-reply.eml'));

    expect(parsed.messageId).toBe(
      'AM0PR07MB4521C0FFEE0A1B2C3D4E5F6A7B8C9@AM0PR07MB4521.eurprd07.prod.outlook.com',
    );
  });

  it('lower-cases addresses and keeps decoded display names', async () => {
    const parsed = await parseMail(fixture('gmail-reply.eml'));

    expect(parsed.from).toEqual({ address: 'ben@example.net', name: 'Ben Beispiel' });
    expect(parsed.to).toEqual([
      {
        address: 'r-spring-2027.pabcdefghijkl.1abcdefghijklmnop@reply.tandem.localhost',
        name: 'Anna via Tandem',
      },
    ]);
    expect(parsed.replyTo).toEqual([]);
    expect(parsed.cc).toEqual([]);
  });

  it('decodes encoded-word subjects and names in ISO-2022-JP and ISO-8859-1', async () => {
    const japanese = await parseMail(fixture('iso-2022-jp-reply.eml'));
    const spanish = await parseMail(fixture('iso-8859-1-reply.eml'));

    expect(japanese.subject).toBe('Re: 初回の面談について');
    expect(japanese.from?.name).toBe('山田 健太');
    expect(spanish.subject).toBe('Re: Tu compañera de Tandem');
    expect(spanish.from?.name).toBe('José Martínez');
  });

  it('maps lower-case header names to raw unfolded values in order', async () => {
    const parsed = await parseMail(fixture('gmail-reply.eml'));

    expect(parsed.headers.get('x-auto-response-suppress')).toBeUndefined();
    expect(parsed.headers.get('received')).toHaveLength(1);
    expect(parsed.headers.get('received')?.[0]).toMatch(/^from mail-sor-f41\.google\.com .* by inbound-smtp/);
    expect(parsed.headers.get('received')?.[0]).not.toMatch(/[\r\n]/);
    expect(parsed.headers.get('subject')).toEqual(['Re: Your Tandem partner for spring 2027']);
    expect([...parsed.headers.keys()].every((name) => name === name.toLowerCase())).toBe(true);
  });

  it('keeps the top-level content type lower-cased with its parameters', async () => {
    const dsn = await parseMail(fixture('dsn-5-1-1.eml'));
    const plain = await parseMail(fixture('apple-mail-reply.eml'));

    expect(dsn.contentType).toBe(
      'multipart/report; report-type=delivery-status; boundary="4f2a1c0123.1804585801/mx.example.net"',
    );
    expect(plain.contentType).toBe('text/plain; charset=us-ascii');
  });

  it('keeps attachment bytes intact', async () => {
    const parsed = await parseMail(fixture('attachment-reply.eml'));
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );

    expect(parsed.attachments).toHaveLength(1);
    const [attachment] = parsed.attachments;
    expect(attachment).toMatchObject({
      filename: 'roadmap.png',
      contentType: 'image/png',
      size: png.length,
      contentId: 'f_lq1w2e3r0',
      inline: false,
    });
    expect(Buffer.from(attachment?.content ?? []).equals(png)).toBe(true);
  });

  it('reads the recipients, action, status and diagnostic of a DSN', async () => {
    const parsed = await parseMail(fixture('dsn-5-1-1.eml'));

    expect(parsed.deliveryStatus).toEqual([
      {
        finalRecipient: 'ben.old@example.net',
        action: 'failed',
        status: '5.1.1',
        diagnostic: 'smtp; 550 5.1.1 <ben.old@example.net>: Recipient address rejected: User unknown',
      },
    ]);
    // The delivery-status part is represented above, not as an attachment; the returned headers are.
    expect(parsed.attachments.map((attachment) => attachment.contentType)).toEqual(['text/rfc822-headers']);
  });

  it('has no delivery status for an ordinary reply', async () => {
    const parsed = await parseMail(fixture('gmail-reply.eml'));

    expect(parsed.deliveryStatus).toEqual([]);
  });

  it('prefers the text/plain part and keeps the HTML alongside', async () => {
    const parsed = await parseMail(fixture('gmail-reply.eml'));

    expect(parsed.text).toMatch(/^Hi Anna,\n/);
    expect(parsed.text).toContain('> Hi Ben,');
    expect(parsed.html).toContain('gmail_quote');
  });

  it('derives text without quoted history from an HTML-only body', async () => {
    const parsed = await parseMail(fixture('gmail-html-only.eml'));

    expect(parsed.text).not.toContain('Could you send me that reading list');
    expect(parsed.text).not.toContain('alert');
    expect(parsed.text).toContain('Here’s the reading list');
  });

  it('decodes format=flowed per quote depth, so the reply under "> Hi " stays unquoted', async () => {
    // Prepare
    const raw = mail(`From: Ben <ben@example.net>
Subject: Re: Hello
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Type: text/plain; charset=UTF-8;
 format=flowed
Content-Transfer-Encoding: 7bit

On 09/03/2027 10:02, Anna wrote:
> Hi 
Hi Anna, Thursday works 
for me.
`);
    const before = Buffer.from(raw).toString('latin1');

    // Act
    const parsed = await parseMail(raw);

    // Assess
    expect(parsed.text).toBe('On 09/03/2027 10:02, Anna wrote:\n> Hi \nHi Anna, Thursday works for me.\n');
    expect(parsed.contentType).toBe('text/plain; charset=utf-8; format=flowed');
    expect(Buffer.from(raw).toString('latin1'), "the caller's bytes are untouched").toBe(before);
  });

  it('decodes flowed text/plain inside a multipart with delsp=yes', async () => {
    const raw = mail(`From: Ben <ben@example.net>
Subject: Re: Hello
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="x"

--x
Content-Type: text/plain; charset=UTF-8; format=flowed; delsp=yes

Thursday 
works.
> quoted 
Mine.
--x
Content-Type: text/html; charset=UTF-8

<p>Thursday works.</p>
--x--
`);

    expect((await parseMail(raw)).text).toBe('Thursdayworks.\n> quoted\nMine.\n');
  });

  it('keeps an attached message whole instead of inlining its text', async () => {
    const raw = mail(`From: a@example.org
Subject: Fwd
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="x"

--x
Content-Type: text/plain

See the attached mail.
--x
Content-Type: message/rfc822

From: someone@example.net
Subject: inner

Inner secret text.
--x--
`);

    const parsed = await parseMail(raw);

    expect(parsed.text.trim()).toBe('See the attached mail.');
    expect(parsed.attachments.map((attachment) => attachment.contentType)).toEqual(['message/rfc822']);
  });

  describe('limits', () => {
    it('rejects a message over maxBytes as too-large without parsing it', async () => {
      // Prepare: not a mail at all, so only the size check can have answered
      const raw = new Uint8Array(DEFAULT_MAIL_LIMITS.maxBytes + 1);

      // Act
      const reason = await unreadableReason(raw);

      // Assess
      expect(reason).toBe('too-large');
    });

    it('rejects MIME parts nested deeper than maxDepth as too-deep', async () => {
      expect(await unreadableReason(nested(DEFAULT_MAIL_LIMITS.maxDepth + 1))).toBe('too-deep');
      expect(await unreadableReason(nested(DEFAULT_MAIL_LIMITS.maxDepth - 1))).toBe('parsed');
    });

    it('rejects more parts than maxParts as too-many-parts', async () => {
      const parts = Array.from(
        { length: 60 },
        (_, i) => `--p\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`,
      );
      const raw = mail(
        `From: a@example.org\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n${parts.join('')}--p--\r\n`,
      );

      expect(await unreadableReason(raw, { ...DEFAULT_MAIL_LIMITS, maxParts: 50 })).toBe('too-many-parts');
      expect(await unreadableReason(raw, { ...DEFAULT_MAIL_LIMITS, maxParts: 100 })).toBe('parsed');
    });

    it('rejects headers over maxHeaderBytes as too-large', async () => {
      const raw = mail(`From: a@example.org\r\nX-Padding: ${'a'.repeat(5000)}\r\n\r\nhi\r\n`);

      expect(await unreadableReason(raw, { ...DEFAULT_MAIL_LIMITS, maxHeaderBytes: 1000 })).toBe('too-large');
    });

    it('rejects bytes without a header section as malformed', async () => {
      expect(await unreadableReason(new Uint8Array(0))).toBe('malformed');
      expect(await unreadableReason(mail('just some words\r\nand more words\r\n'))).toBe('malformed');
    });

    it('parses a 10 MB mail with its attachment intact', async () => {
      // Prepare
      const { raw, attachmentBytes } = largeMail(10_000_000);

      // Act
      const parsed = await parseMail(raw);

      // Assess
      expect(parsed.text.trim()).toBe(
        'Here is the recording of our session, as promised.\r\n\r\nBen'.replace(/\r/g, ''),
      );
      const [attachment] = parsed.attachments;
      expect(attachment?.size).toBe(attachmentBytes);
      expect(attachment?.content.subarray(0, 57)).toEqual(LARGE_MAIL_BLOCK);
      expect(attachment?.content.subarray(attachmentBytes - 57)).toEqual(LARGE_MAIL_BLOCK);
    });
  });
});
