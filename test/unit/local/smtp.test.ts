import { connect } from 'node:net';
import { createTransport } from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { SesReceiptEvent } from '#handlers/ses-receipt-event';
import { type InboundSmtp, type InboundSmtpOptions, startInboundSmtp } from '#local/smtp';
import type { RawMailStore } from '#ports/raw-mail';

const replyDomain = 'reply.tandem.localhost';
const relay = `r-spring-2025.paroha.1abcdefghijklmnop@${replyDomain}`;
const now = new Date('2025-03-04T09:30:00.000Z');
const clock = { now: () => now, sleep: async () => {} };

/** Records what happens, in order, so that "stored before answered" can be asserted. */
let log: string[];
let stored: Map<string, Uint8Array>;
let delivered: SesReceiptEvent[];
let server: InboundSmtp | undefined;

const memoryStore = (): RawMailStore => ({
  async put(key, raw) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    stored.set(key, raw);
    log.push(`stored ${key}`);
  },
  async get(key) {
    return stored.get(key);
  },
});

const start = async (overrides: Partial<InboundSmtpOptions> = {}) => {
  log = [];
  stored = new Map();
  delivered = [];
  server = await startInboundSmtp({
    port: 0,
    store: memoryStore(),
    replyDomain,
    maxBytes: 4096,
    clock,
    deliver: (event) => {
      const id = event.Records[0].ses.mail.messageId;
      log.push(`delivered ${id}${stored.has(id) ? ' (stored)' : ' (NOT stored)'}`);
      delivered.push(event);
    },
    ...overrides,
  });
  return server.port;
};

const transport = (port: number) =>
  createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });

const queuedId = (response: string) => /queued as ([a-z0-9]+)/.exec(response)?.[1];

const message = [
  'From: "Aroha, Ngata" <aroha@example.org>',
  `To: Tandem relay <${relay}>`,
  'Subject: Re: Tandem topic 2 of 8',
  'Date: Tue, 4 Mar 2025 09:29:58 +0000',
  'Message-ID: <reply-1@example.org>',
  'X-Long: first part',
  '  continued',
  '',
  'Thanks, that helped!',
  '.leading dot survives',
  '',
].join('\r\n');

/** A hand-driven SMTP session, for what nodemailer will not send (DATA past SIZE without a SIZE hint). */
const converse = (port: number, commands: string[]): Promise<string[]> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const replies: string[] = [];
    let reply: string[] = [];
    let buffer = '';
    const pending = [...commands];
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (data: string) => {
      buffer += data;
      const lines = buffer.split('\r\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        reply.push(line);
        if (/^\d{3} /.test(line)) {
          replies.push(reply.join('\n'));
          reply = [];
          const next = pending.shift();
          if (next === undefined) socket.end();
          else socket.write(`${next}\r\n`);
        }
      }
    });
    socket.on('close', () => resolve(replies));
  });

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('local inbound SMTP', () => {
  it('stores the raw message before it answers 250 and before it delivers the event', async () => {
    // Prepare
    const port = await start();

    // Act
    const info = await transport(port).sendMail({
      envelope: { from: 'bounces@example.org', to: [relay] },
      raw: message,
    });
    const id = queuedId(info.response);
    log.push(`answered ${id}`);

    // Assess
    expect(info.response).toMatch(/^250 /);
    expect(id).toMatch(/^[a-z0-9]{40}$/);
    expect(log).toEqual([`stored ${id}`, `delivered ${id} (stored)`, `answered ${id}`]);
    const raw = Buffer.from(stored.get(id ?? '') ?? []).toString();
    expect(raw.endsWith(message)).toBe(true);
    expect(raw.startsWith('Return-Path: <bounces@example.org>\r\nReceived: from ')).toBe(true);
    expect(raw).toContain('\r\nX-SES-Spam-Verdict: PASS\r\nX-SES-Virus-Verdict: PASS\r\n');
  });

  it('delivers the event the SES Lambda action sends, with verdicts passing by default', async () => {
    // Prepare
    const port = await start();

    // Act
    await transport(port).sendMail({ envelope: { from: 'bounces@example.org', to: [relay] }, raw: message });

    // Assess
    expect(delivered).toHaveLength(1);
    const event = delivered[0] as SesReceiptEvent;
    expect(SesReceiptEvent.safeParse(event).success).toBe(true);
    const [record] = event.Records;
    const { mail, receipt } = record.ses;
    expect(record).toMatchObject({ eventSource: 'aws:ses', eventVersion: '1.0' });
    expect(mail).toMatchObject({
      timestamp: now.toISOString(),
      source: 'bounces@example.org',
      destination: [relay],
      headersTruncated: false,
    });
    expect(mail.headers).toEqual(
      expect.arrayContaining([
        { name: 'Return-Path', value: '<bounces@example.org>' },
        { name: 'X-SES-Spam-Verdict', value: 'PASS' },
        { name: 'Subject', value: 'Re: Tandem topic 2 of 8' },
        { name: 'X-Long', value: 'first part continued' },
      ]),
    );
    expect(mail.commonHeaders).toEqual({
      returnPath: 'bounces@example.org',
      from: ['"Aroha, Ngata" <aroha@example.org>'],
      date: 'Tue, 4 Mar 2025 09:29:58 +0000',
      to: [`Tandem relay <${relay}>`],
      messageId: '<reply-1@example.org>',
      subject: 'Re: Tandem topic 2 of 8',
    });
    expect(receipt).toEqual({
      timestamp: now.toISOString(),
      processingTimeMillis: expect.any(Number),
      recipients: [relay],
      spamVerdict: { status: 'PASS' },
      virusVerdict: { status: 'PASS' },
      spfVerdict: { status: 'PASS' },
      dkimVerdict: { status: 'PASS' },
      dmarcVerdict: { status: 'PASS' },
      action: {
        type: 'Lambda',
        functionArn: expect.stringMatching(/^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:/),
        invocationType: 'Event',
      },
    });
  });

  it('reports the verdicts a test asks for, with the DMARC policy only when given', async () => {
    // Prepare
    const port = await start({ verdicts: () => ({ spam: 'FAIL', dmarc: 'FAIL', dmarcPolicy: 'reject' }) });

    // Act
    await transport(port).sendMail({ envelope: { from: 'spoof@example.org', to: [relay] }, raw: message });

    // Assess
    const receipt = delivered[0]?.Records[0].ses.receipt;
    expect(receipt).toMatchObject({
      spamVerdict: { status: 'FAIL' },
      virusVerdict: { status: 'PASS' },
      dmarcVerdict: { status: 'FAIL' },
      dmarcPolicy: 'reject',
    });
    const parsed = SesReceiptEvent.parse(delivered[0]);
    expect(parsed.Records[0].ses.receipt.dmarcPolicy).toBe('reject');
  });

  it('gives the null sender MAIL FROM:<> as an empty source', async () => {
    // Prepare
    const port = await start();

    // Act
    const replies = await converse(port, [
      'EHLO mx.example.org',
      'MAIL FROM:<>',
      `RCPT TO:<${relay}>`,
      'DATA',
      `${message}.`,
      'QUIT',
    ]);

    // Assess
    expect(replies.slice(2, 6).map((r) => r.slice(0, 3))).toEqual(['250', '250', '354', '250']);
    const mail = delivered[0]?.Records[0].ses.mail;
    expect(mail?.source).toBe('');
    expect(mail?.headers[0]).toEqual({ name: 'Return-Path', value: '<>' });
    expect(SesReceiptEvent.safeParse(delivered[0]).success).toBe(true);
  });

  it('refuses a recipient at another domain with 550 and stores nothing', async () => {
    // Prepare
    const port = await start();

    // Act
    const attempt = transport(port).sendMail({
      envelope: { from: 'aroha@example.org', to: ['someone@tandem.localhost'] },
      raw: message,
    });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      responseCode: 550,
      response: expect.stringContaining('only accepts @reply.tandem.localhost'),
    });
    expect(stored.size).toBe(0);
    expect(delivered).toEqual([]);
  });

  it('delivers to the relay addresses only when a message names others too', async () => {
    // Prepare
    const port = await start();

    // Act
    const info = await transport(port).sendMail({
      envelope: { from: 'aroha@example.org', to: [relay, 'coordinator@tandem.localhost'] },
      raw: message,
    });

    // Assess
    expect(info.rejected).toEqual(['coordinator@tandem.localhost']);
    expect(delivered[0]?.Records[0].ses.receipt.recipients).toEqual([relay]);
  });

  it('accepts relay addresses whatever the case of their domain', async () => {
    // Prepare
    const port = await start();

    // Act
    const info = await transport(port).sendMail({
      envelope: { from: 'aroha@example.org', to: ['r-x@REPLY.Tandem.Localhost'] },
      raw: message,
    });

    // Assess
    expect(info.accepted).toHaveLength(1);
    expect(delivered).toHaveLength(1);
  });

  it('announces SIZE and refuses a larger message with 552', async () => {
    // Prepare
    const port = await start({ maxBytes: 1024 });

    // Act
    const replies = await converse(port, [
      'EHLO mx.example.org',
      `MAIL FROM:<aroha@example.org> SIZE=${10_000}`,
      'QUIT',
    ]);
    const viaNodemailer = await transport(port)
      .sendMail({
        envelope: { from: 'aroha@example.org', to: [relay] },
        raw: `${message}${'x'.repeat(2000)}\r\n`,
      })
      .catch((error: unknown) => error);

    // Assess
    expect(replies[1]).toMatch(/^250[- ]SIZE 1024$/m);
    expect(replies[2]).toMatch(/^552 /);
    expect(viaNodemailer).toMatchObject({ responseCode: 552 });
    expect(stored.size).toBe(0);
    expect(delivered).toEqual([]);
  });

  it('refuses with 552 a message that grows past the limit without a SIZE hint', async () => {
    // Prepare
    const port = await start({ maxBytes: 1024 });

    // Act
    const replies = await converse(port, [
      'EHLO mx.example.org',
      'MAIL FROM:<aroha@example.org>',
      `RCPT TO:<${relay}>`,
      'DATA',
      `${message}${'x'.repeat(2000)}\r\n.`,
      'QUIT',
    ]);

    // Assess
    expect(replies[4]).toMatch(/^354 /);
    expect(replies[5]).toMatch(/^552 /);
    expect(stored.size).toBe(0);
    expect(delivered).toEqual([]);
  });

  it('answers 451 and delivers nothing when the message cannot be stored', async () => {
    // Prepare
    const port = await start({
      store: {
        put: async () => {
          throw new Error('disk full');
        },
        get: async () => undefined,
      },
    });

    // Act
    const attempt = transport(port).sendMail({
      envelope: { from: 'aroha@example.org', to: [relay] },
      raw: message,
    });

    // Assess
    await expect(attempt).rejects.toMatchObject({ responseCode: 451 });
    expect(delivered).toEqual([]);
  });
});
