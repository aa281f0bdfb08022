import { describe, expect, it } from 'vitest';
import { advance, DAY, launch, mailsTo, type SentMail, seedRound, settle, store } from './support.ts';

const listUnsubscribe = (mail: SentMail) =>
  /<(http[^>]+)>/.exec(mail.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '')?.[1] as string;

describe('one-click unsubscribe from a delivered mail (RFC 8058)', () => {
  it('shows a page on GET without changing anything, unsubscribes on a one-click POST, and stops the topics', async () => {
    const round = await seedRound('it-unsubscribe', 4, 1);
    await launch('it-unsubscribe');
    await settle();
    const intro = (await mailsTo(round.emails))[0] as SentMail;
    const leaver = intro.destination.to[0] as string;
    const leaverId = intro.replyTo[0]?.split('.')[1] as string;
    const url = listUnsubscribe(intro);

    const page = await fetch(url);
    const statusAfterGet = (await store.getSendContext('it-unsubscribe', leaverId))?.member.status;
    const first = await fetch(url, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    const second = await fetch(url, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    const forged = await fetch(`${url.slice(0, -2)}xx`, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
    });
    for (let day = 0; day < 20; day++) await advance(DAY);

    expect(intro.headers).toContainEqual({
      name: 'List-Unsubscribe-Post',
      value: 'List-Unsubscribe=One-Click',
    });
    expect(page.status).toBe(200);
    expect(statusAfterGet).toBe('active');
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.headers.get('location')).toBeNull();
    expect(first.headers.get('set-cookie')).toBeNull();
    expect(forged.status).toBe(400);
    expect((await store.getSendContext('it-unsubscribe', leaverId))?.member.status).toBe('unsubscribed');
    const mails = await mailsTo(round.emails);
    expect(mails.filter((m) => m.destination.to[0] === leaver)).toHaveLength(1);
    const others = round.emails.filter((email) => email !== leaver);
    for (const email of others)
      expect(mails.filter((m) => m.destination.to[0] === email).length).toBeGreaterThan(1);
  });
});
