import { describe, expect, it } from 'vitest';
import { loadSigningKeys } from '#adapters/signing-keys';
import { signLinkToken } from '#core/link-token';
import type { Member } from '#core/model';
import {
  advance,
  clients,
  clockNow,
  DAY,
  launch,
  mailsTo,
  roundState,
  type SentMail,
  seedRound,
  settle,
  stackEnv,
  store,
} from './support.ts';

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

describe('links that must not work', () => {
  it('answers an expired token and a token altered to name another participant with the generic page, changing nothing', async () => {
    // Prepare
    await seedRound('it-badlinks', 4, 1);
    await launch('it-badlinks');
    await settle();
    const [aroha, priya] = (await roundState('it-badlinks')).members as [Member, Member];
    const keys = await loadSigningKeys(stackEnv, clients);
    const now = Math.floor((await clockNow()).getTime() / 1000);
    const expired = signLinkToken(
      { roundId: 'it-badlinks', participantId: aroha.id, action: 'unsubscribe', expiresAt: now - 1 },
      keys,
    );
    const valid = signLinkToken(
      { roundId: 'it-badlinks', participantId: aroha.id, action: 'unsubscribe', expiresAt: now + 86_400 },
      keys,
    );
    // The same signature over a payload that names someone else.
    const [payload, mac] = valid.split('.') as [string, string];
    const swapped = Buffer.from(
      Buffer.from(payload, 'base64url').toString('utf8').replace(aroha.id, priya.id),
    ).toString('base64url');
    const linksUrl = stackEnv.LINKS_BASE_URL;

    // Act
    const answers = await Promise.all(
      [expired, `${swapped}.${mac}`].map((token) =>
        fetch(`${linksUrl}/l/${token}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' }),
      ),
    );
    const pages = await Promise.all(answers.map((a) => a.text()));
    await settle();

    // Assess
    expect(answers.map((a) => a.status)).toEqual([400, 400]);
    expect(pages[0]).toBe(pages[1]);
    expect(pages[0]).toContain('This link does not work');
    const after = await roundState('it-badlinks');
    expect(after.members.map((m) => m.status)).toEqual(['active', 'active', 'active', 'active']);
  });
});
