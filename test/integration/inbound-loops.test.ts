import nodemailer from 'nodemailer';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, mailsTo, outbox, type SentMail, seedRound, settle, store } from './support.ts';

const ROUND = 'it-loops';

const transport = nodemailer.createTransport({
  host: '127.0.0.1',
  port: inject('smtpPort'),
  secure: false,
  ignoreTLS: true,
});

/** Sends a raw message over real SMTP to the local stack and waits until everything it caused is done. */
const send = async (from: string, to: string, raw: string) => {
  await transport.sendMail({ envelope: { from, to: [to] }, raw });
  // The SMTP answer comes after the raw mail is stored; the receive function runs asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await settle();
};

const message = (headers: Record<string, string>, body: string) =>
  [
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    'Date: Tue, 02 Mar 2027 10:15:00 +0100',
    'MIME-Version: 1.0',
    '',
    body,
    '',
  ].join('\r\n');

const newMailsTo = async (emails: string[], before: SentMail[]) => {
  const seen = new Set(before.map((m) => m.messageId));
  return (await mailsTo(emails)).filter((m) => !seen.has(m.messageId));
};

/** Alerts published to the coordinators' SNS topic, as the gateway recorded them. */
const alerts = async () => {
  const response = await fetch(`${inject('controlUrl')}/alerts`);
  return ((await response.json()) as { alerts: { subject?: string; message: string }[] }).alerts;
};

describe('mail that must not be relayed, on the local stack', () => {
  let writer: { email: string; relay: string };
  let partner: { email: string; relay: string };

  beforeAll(async () => {
    const round = await seedRound(ROUND, 4);
    await launch(ROUND);
    await settle();
    const intros = await mailsTo(round.emails);
    const first = intros[0] as SentMail;
    const context = await store.getSendContext(ROUND, first.replyTo[0]?.split('.')[1] as string);
    const partnerIntro = intros.find((m) => m.destination.to[0] === context?.partners[0]?.email) as SentMail;
    writer = { email: first.destination.to[0] as string, relay: first.replyTo[0] as string };
    partner = { email: partnerIntro.destination.to[0] as string, relay: partnerIntro.replyTo[0] as string };
  });

  it('relays a Thunderbird format=flowed reply written right under the quote whole', async () => {
    // Prepare: `> Hi ` ends in a space (a soft break) and the reply follows with no blank line.
    const before = await outbox();
    const raw = message(
      {
        From: writer.email,
        To: writer.relay,
        Subject: 'Re: Your Tandem introduction',
        'Message-ID': '<it-loops-flowed@example.org>',
        'User-Agent': 'Mozilla Thunderbird',
        'Content-Type': 'text/plain; charset=UTF-8; format=flowed',
        'Content-Transfer-Encoding': '7bit',
      },
      [
        'On 02/03/2027 09:00, Partner via Tandem wrote:',
        '> Hi ',
        '> there, how was the workshop?',
        'It went really well, thanks! We had twenty ',
        'people and a long queue for the ',
        'makerspace.',
        '',
        'Talk soon',
      ].join('\r\n'),
    );

    // Act
    await send(writer.email, writer.relay, raw);

    // Assess
    const relayed = await newMailsTo([partner.email], before);
    expect(relayed).toHaveLength(1);
    const text = relayed[0]?.body.text ?? '';
    expect(text).toContain(
      'It went really well, thanks! We had twenty people and a long queue for the makerspace.',
    );
    expect(text).toContain('Talk soon');
    expect(text).not.toContain('how was the workshop');
  });

  it('records an Exchange out-of-office from the participant’s own address without relaying or answering it', async () => {
    // Prepare: older Exchange marks it only by subject and X-Auto-Response-Suppress, no Auto-Submitted.
    const before = await outbox();
    const raw = message(
      {
        From: writer.email,
        To: writer.relay,
        Subject: 'Automatic reply: Tandem topic 2 of 8',
        'Message-ID': '<it-loops-ooo@example.org>',
        'X-Auto-Response-Suppress': 'All',
        'Thread-Topic': 'Tandem topic 2 of 8',
        'Content-Type': 'text/plain; charset=UTF-8',
      },
      'I am out of the office until 20 March with limited access to email.\r\nFor urgent matters, please contact the front desk.',
    );

    // Act
    await send(writer.email, writer.relay, raw);

    // Assess
    expect(await newMailsTo([partner.email, writer.email], before)).toEqual([]);
  });

  it('drops a relayed mail that comes back to a relay address', async () => {
    // Prepare: the partner's mailbox resends what it received (headers and all) to their relay address.
    const delivered = (await mailsTo([partner.email])).find((m) =>
      m.headers?.some((h) => h.name.toLowerCase() === 'x-tandem-relay'),
    ) as SentMail;
    const before = await outbox();
    const raw = message(
      {
        From: partner.email,
        To: partner.relay,
        Subject: delivered.subject,
        'Message-ID': '<it-loops-back@example.org>',
        'X-Tandem-Relay': ROUND,
        'Content-Type': 'text/plain; charset=UTF-8',
      },
      delivered.body.text ?? '',
    );

    // Act
    await send(partner.email, partner.relay, raw);

    // Assess
    expect(delivered).toBeDefined();
    expect(await newMailsTo([writer.email, partner.email], before)).toEqual([]);
  });

  it('holds the 21st relay of a day and tells the coordinators once', async () => {
    // Prepare: the Thunderbird reply above already counts as this partnership's first relay today.
    const before = await outbox();
    const alertsBefore = (await alerts()).length;

    // Act
    for (let n = 2; n <= 22; n++) {
      const raw = message(
        {
          From: writer.email,
          To: writer.relay,
          Subject: 'Re: Tandem',
          'Message-ID': `<it-loops-cap-${n}@example.org>`,
          'Content-Type': 'text/plain; charset=UTF-8',
        },
        `Thanks for your message. This is answer number ${n}.`,
      );
      await send(writer.email, writer.relay, raw);
    }

    // Assess
    const relayed = await newMailsTo([partner.email], before);
    expect(relayed).toHaveLength(19);
    expect(relayed.map((m) => m.body.text).join('\n')).not.toContain('answer number 21.');
    const told = (await alerts())
      .slice(alertsBefore)
      .filter((a) => a.subject?.startsWith('Tandem: relays held'));
    expect(told).toHaveLength(1);
    expect(told[0]?.message).toContain('20 mails');
  });
});
