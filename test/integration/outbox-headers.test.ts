/**
 * The local outbox shows every header of every sent mail, and the configuration set and tags of its
 * send, so a person (and this test) can see exactly what SES would send: round mail and a relayed reply
 * go through the whole stack (launch, the hourly dispatcher, the send queue, the receive function, the
 * SES adapter) and are read back from the outbox.
 */

import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { localNames } from '#local/config';
import type { OutboxMessage } from '#local/ses';
import { launchChromium } from './browser.ts';
import { advance, DAY, launch, mailsTo, type SentMail, seedRound, settle, store, write } from './support.ts';

const ROUND = 'it-outbox';

const fromOutbox = async (messageId: string): Promise<OutboxMessage> => {
  const response = await fetch(`${inject('sesUrl')}/_local/outbox/${encodeURIComponent(messageId)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as OutboxMessage;
};

const field = (message: OutboxMessage, name: string) =>
  message.headers.filter((h) => h.name.toLowerCase() === name.toLowerCase()).map((h) => h.value);

describe('the local outbox', () => {
  let round: Awaited<ReturnType<typeof seedRound>>;
  let aroha: { id: string; email: string; partnershipId: string };
  let intro: SentMail;
  let topic: SentMail;
  let relay: SentMail;

  beforeAll(async () => {
    round = await seedRound(ROUND, 4);
    await launch(ROUND);
    await settle();
    // Topic 1 falls due on the first day of the round, at 09:00 in each member's time zone.
    await advance(2 * DAY);
    const context = await store.getSendContext(ROUND, round.partnerships[0]?.members[0] ?? '');
    if (!context?.member.partnershipId) throw new Error('the seeded member has no partnership');
    aroha = {
      id: context.member.id,
      email: context.member.email,
      partnershipId: context.member.partnershipId,
    };
    const partner = context.partners[0];
    if (!partner) throw new Error('the seeded member has no partner');
    await write(ROUND, partner.id, partner.email, 'Kia ora! Thursday works for me.');
    const mails = await mailsTo([aroha.email]);
    const find = (test: (m: SentMail) => boolean, what: string) => {
      const mail = mails.find(test);
      if (!mail) throw new Error(`no ${what} for ${aroha.email}: ${mails.map((m) => m.subject).join(' | ')}`);
      return mail;
    };
    intro = find((m) => m.subject.startsWith('Your Tandem introduction'), 'introduction');
    topic = find((m) => m.subject.startsWith('Tandem topic 1 of'), 'topic 1');
    relay = find((m) => m.body.text?.includes('Thursday works for me.') ?? false, 'relayed reply');
  });

  it('shows every header SES would send with a topic mail, and the configuration set and tags', async () => {
    const message = await fromOutbox(topic.messageId);
    const thread = `<tandem.${ROUND}.${aroha.partnershipId}@${localNames.mailFrom.split('@')[1]}>`;

    expect(message.configurationSet).toBe(localNames.configurationSet);
    expect(message.tags).toEqual({ kind: 'topic', round: ROUND, topic: '1', participant: aroha.id });
    expect(field(message, 'From')).toEqual([`Tandem <${localNames.mailFrom}>`]);
    expect(field(message, 'To')).toEqual([aroha.email]);
    expect(field(message, 'Reply-To')[0]).toMatch(
      new RegExp(`^r-${ROUND}\\.${aroha.id}\\.1[a-z2-7]{16}@reply\\.`),
    );
    expect(field(message, 'Subject')).toEqual([topic.subject]);
    expect(field(message, 'Auto-Submitted')).toEqual(['auto-generated']);
    expect(field(message, 'In-Reply-To')).toEqual([thread]);
    expect(field(message, 'References')).toEqual([thread]);
    expect(field(message, 'List-Unsubscribe')[0]).toMatch(
      /^<http:\/\/127\.0\.0\.1:\d+\/l\/[A-Za-z0-9_.-]+>, <mailto:r-[^?>]+\?subject=unsubscribe&body=STOP>$/,
    );
    expect(field(message, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe=One-Click']);
    expect(field(message, 'Message-ID')).toEqual([`<${topic.messageId}@email.amazonses.com>`]);
    expect(field(message, 'MIME-Version')).toEqual(['1.0']);
    expect(field(message, 'Content-Type')[0]).toMatch(/^multipart\/alternative;/);
    expect(field(message, 'Date')).toHaveLength(1);
    for (const { value } of message.headers) expect(value).not.toMatch(/[\r\n]/);
  });

  it("keeps the introduction, the topic and the partner's relayed reply in one thread", async () => {
    const introMessage = await fromOutbox(intro.messageId);
    const topicMessage = await fromOutbox(topic.messageId);
    const relayMessage = await fromOutbox(relay.messageId);

    expect(field(introMessage, 'References')).toEqual(field(topicMessage, 'References'));
    expect(field(relayMessage, 'References')).toEqual(field(topicMessage, 'References'));
    expect(field(relayMessage, 'In-Reply-To')).toEqual(field(topicMessage, 'References'));
  });

  it('shows a relayed reply as round mail that a person wrote: one-click unsubscribe, not auto-generated', async () => {
    const message = await fromOutbox(relay.messageId);

    expect(message.configurationSet).toBe(localNames.configurationSet);
    expect(message.tags).toEqual({ kind: 'relay', round: ROUND, participant: aroha.id });
    // The writer's name, RFC 2047-encoded when it is not ASCII, as SES requires of a From name.
    const from = (field(message, 'From')[0] ?? '').replace(
      /=\?UTF-8\?B\?([^?]+)\?=\s*/gi,
      (_, word: string) => Buffer.from(word, 'base64').toString('utf8'),
    );
    expect(from).toMatch(new RegExp(` via Tandem"?\\s*<${localNames.mailFrom}>$`));
    expect(field(message, 'Auto-Submitted')).toEqual([]);
    expect(field(message, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe=One-Click']);
  });

  it('lists every sent mail, and adds the configuration set and tags to /store', async () => {
    const list = (await (await fetch(`${inject('sesUrl')}/_local/outbox`)).json()) as {
      total: number;
      messages: OutboxMessage[];
    };
    const stored = (await (await fetch(`${inject('sesUrl')}/store`)).json()) as {
      emails: (SentMail & { configurationSet?: string; tags?: Record<string, string> })[];
    };

    expect(list.messages.map((m) => m.messageId)).toEqual(
      expect.arrayContaining([intro.messageId, topic.messageId, relay.messageId]),
    );
    expect(list.total).toBe(stored.emails.length);
    expect(stored.emails.find((e) => e.messageId === topic.messageId)).toMatchObject({
      configurationSet: localNames.configurationSet,
      tags: { kind: 'topic', round: ROUND, participant: aroha.id },
      headers: expect.arrayContaining([
        { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      ]),
    });
  });

  describe('in the viewer', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchChromium();
    });

    it("shows each mail's headers, configuration set and tags", async () => {
      const page = await browser.newPage();
      await page.goto(`${inject('sesUrl')}/`);
      const card = page.locator('article.mail', { hasText: topic.subject }).filter({ hasText: aroha.email });
      await card.first().waitFor({ timeout: 10_000 });
      const text = (await card.first().textContent()) ?? '';

      for (const name of [
        'List-Unsubscribe',
        'List-Unsubscribe-Post',
        'Auto-Submitted',
        'References',
        'In-Reply-To',
      ]) {
        expect(text).toContain(name);
      }
      expect(text).toContain(`configuration set ${localNames.configurationSet}`);
      expect(text).toContain(`participant=${aroha.id}`);
      await browser.close();
    });
  });
});
