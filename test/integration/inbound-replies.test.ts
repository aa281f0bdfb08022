import { GetCommand } from '@aws-sdk/lib-dynamodb';
import nodemailer from 'nodemailer';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { keys } from '#adapters/table-design';
import { localNames } from '#local/config';
import {
  clients,
  launch,
  mailsTo,
  outbox,
  type SentMail,
  seedRound,
  settle,
  store,
  tandem,
} from './support.ts';

const transport = nodemailer.createTransport({
  host: '127.0.0.1',
  port: inject('smtpPort'),
  secure: false,
  ignoreTLS: true,
});

/** Sends real SMTP to the local stack's inbound port and waits until everything it caused is done. */
const reply = async (
  message: Parameters<typeof transport.sendMail>[0],
  verdicts?: Record<string, string>,
) => {
  if (verdicts) await fetch(inject('verdictsUrl'), { method: 'POST', body: JSON.stringify(verdicts) });
  const info = await transport.sendMail(message);
  // The SMTP answer comes after the raw mail is stored; the receive function runs asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await settle();
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
};

/** A header value with its RFC 2047 UTF-8 encoded-words decoded (names with accents arrive encoded). */
const decodeHeader = (value: string) =>
  value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));

const newMailsTo = async (emails: string[], before: SentMail[]) => {
  const seen = new Set(before.map((m) => m.messageId));
  return (await mailsTo(emails)).filter((m) => !seen.has(m.messageId));
};

describe('replies by email on the local stack', () => {
  let round: Awaited<ReturnType<typeof seedRound>>;
  let aroha: { email: string; relay: string; id: string; name: string };
  let partner: { email: string; relay: string };

  beforeAll(async () => {
    round = await seedRound('it-inbound', 4);
    await launch('it-inbound');
    await settle();
    const intros = await mailsTo(round.emails);
    const first = intros[0] as SentMail;
    const context = await store.getSendContext('it-inbound', first.replyTo[0]?.split('.')[1] as string);
    const partnerMember = context?.partners[0];
    const partnerIntro = intros.find((m) => m.destination.to[0] === partnerMember?.email) as SentMail;
    aroha = {
      email: first.destination.to[0] as string,
      relay: first.replyTo[0] as string,
      id: context?.member.id as string,
      name: context?.member.name as string,
    };
    partner = { email: partnerIntro.destination.to[0] as string, relay: partnerIntro.replyTo[0] as string };
  });

  it("relays a participant's reply to their partner without the quoted history", async () => {
    const before = await outbox();

    await reply({
      from: aroha.email,
      to: aroha.relay,
      subject: 'Re: Your Tandem introduction',
      messageId: '<it-inbound-1@example.org>',
      text: 'Kia ora! So glad to be paired with you.\n\nOn Mon, 1 Mar 2027 at 09:00, Tandem <rounds@tandem.localhost> wrote:\n> Your Tandem introduction\n> Meet your partner',
    });

    const relayed = await newMailsTo([partner.email], before);
    expect(relayed).toHaveLength(1);
    expect(relayed[0]?.body.text).toContain('Kia ora! So glad to be paired with you.');
    expect(relayed[0]?.body.text).not.toContain('Meet your partner');
    expect(relayed[0]?.replyTo).toEqual([partner.relay]);
    expect(decodeHeader(relayed[0]?.from ?? '')).toMatch(/^"?.+ via Tandem"? <rounds@tandem\.localhost>$/);
  });

  it("records the sender's activity on the partnership", async () => {
    const context = await store.getSendContext('it-inbound', aroha.id);
    const { Item } = await clients.document.send(
      new GetCommand({
        TableName: localNames.tableName,
        Key: keys.partnership('it-inbound', context?.member.partnershipId as string),
      }),
    );

    expect(Item?.lastActivity?.[aroha.id]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('relays a message delivered twice only once', async () => {
    const before = await outbox();
    const message = {
      from: aroha.email,
      to: aroha.relay,
      subject: 'Twice',
      messageId: '<it-inbound-twice@example.org>',
      text: 'Sent once, delivered twice.',
    };

    await reply(message);
    await reply(message);

    expect(await newMailsTo([partner.email], before)).toHaveLength(1);
  });

  it('replays a stored mail with `tandem inbound replay` without relaying it a second time', async () => {
    const before = await outbox();
    const mailId = await reply({
      from: aroha.email,
      to: aroha.relay,
      subject: 'Replay me',
      text: 'Once only.',
    });

    const replayed = await tandem('inbound', 'replay', mailId, '--json');
    const unknown = await tandem('inbound', 'replay', 'no-such-mail');

    expect(JSON.parse(replayed.stdout)).toMatchObject({ mailId, outcome: 'dropped', reason: 'duplicate' });
    expect(await newMailsTo([partner.email], before)).toHaveLength(1);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no inbound mail no-such-mail');
  });

  it('delivers nothing from a stranger, and answers them once a day at most', async () => {
    const before = await outbox();

    await reply({ from: 'stranger@example.net', to: aroha.relay, subject: 'Hello?', text: 'Who is this?' });
    await reply({ from: 'stranger@example.net', to: aroha.relay, subject: 'Hello again?', text: 'Anyone?' });

    expect(await newMailsTo([partner.email], before)).toEqual([]);
    const answers = await newMailsTo(['stranger@example.net'], before);
    expect(answers).toHaveLength(1);
    expect(answers[0]?.headers).toContainEqual({ name: 'Auto-Submitted', value: 'auto-generated' });
  });

  it('delivers nothing sent to a forged relay address', async () => {
    const before = await outbox();
    const forged = aroha.relay.replace(
      /\.1([a-z2-7]{16})@/,
      (_, mac: string) => `.1${mac.split('').reverse().join('')}@`,
    );

    await reply({ from: aroha.email, to: forged, subject: 'Forged', text: 'Let me in.' });

    expect(await newMailsTo([partner.email], before)).toEqual([]);
  });

  it('delivers nothing and answers nothing for an out-of-office auto-reply', async () => {
    const before = await outbox();

    await reply({
      from: aroha.email,
      to: aroha.relay,
      subject: 'Automatic reply: Topic 1',
      headers: { 'Auto-Submitted': 'auto-replied' },
      text: 'I am away until Monday.',
    });

    expect(await newMailsTo([partner.email, aroha.email], before)).toEqual([]);
  });

  it('delivers nothing that SES marked as spam', async () => {
    const before = await outbox();

    await reply({ from: aroha.email, to: aroha.relay, subject: 'Buy now', text: 'Cheap!' }, { spam: 'FAIL' });

    expect(await newMailsTo([partner.email, aroha.email], before)).toEqual([]);
  });

  it('treats STOP as a command: unsubscribed at once, acknowledged once, not relayed; the partner is told instead', async () => {
    const before = await outbox();

    await reply({ from: aroha.email, to: aroha.relay, subject: 'Re: Topic', text: 'STOP\n\n> quoted topic' });

    const toPartner = await newMailsTo([partner.email], before);
    expect(toPartner.map((m) => m.subject)).toEqual([`Tandem: ${aroha.name} is no longer taking part`]);
    expect(toPartner[0]?.body.text).not.toContain('STOP');
    const acks = await newMailsTo([aroha.email], before);
    expect(acks).toHaveLength(1);
    expect(acks[0]?.subject).toContain('STOP');
    expect((await store.getSendContext('it-inbound', aroha.id))?.member.status).toBe('unsubscribed');
  });
});
