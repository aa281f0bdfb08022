import { describe, expect, it } from 'vitest';
import { type ComposeSettings, composeMail, MailNotComposable, type Recipient } from '#core/compose-mail';
import { verifyLinkToken } from '#core/link-token';
import type { SendJob } from '#core/model';
import { verifyRelayAddress } from '#core/relay-address';
import { topics } from '#templates/compiled/index';
import { aMember, aRound, partnered, testKeys } from './fixtures.ts';

const settings: ComposeSettings = {
  from: 'rounds@tandem.example',
  replyDomain: 'reply.tandem.example',
  linksBaseUrl: 'https://links.tandem.example/',
  keys: testKeys,
};

const triad = (names: { aroha?: string; bashir?: string; chen?: string } = {}): Recipient => {
  const [aroha, bashir, chen] = partnered('trio', [
    aMember({ seed: 'aroha', name: names.aroha ?? 'Aroha Ngata', country: 'NZ' }),
    aMember({
      seed: 'bashir',
      name: names.bashir ?? 'Bashir Rahimi',
      country: 'AF',
      organisation: 'Kabul University',
    }),
    aMember({
      seed: 'chen',
      name: names.chen ?? 'Chen Wei',
      country: 'SG',
      interests: ['archives', 'outreach'],
    }),
  ]) as [ReturnType<typeof aMember>, ReturnType<typeof aMember>, ReturnType<typeof aMember>];
  return { round: aRound(), member: aroha, partners: [bashir, chen] };
};

const job = (kind: SendJob['kind'], topic: number, participantId: string): SendJob => ({
  v: 1,
  roundId: 'spring-2025',
  participantId,
  kind,
  topic,
});

describe('composeMail', () => {
  it('introduces every partner of a triad in the subject, HTML and text', () => {
    // Prepare
    const recipient = triad();

    // Act
    const mail = composeMail(recipient, job('intro', 0, recipient.member.id), settings);

    // Assess
    expect(mail.to).toEqual([recipient.member.email]);
    expect(mail.subject).toBe('Your Tandem introduction: meet Bashir Rahimi and Chen Wei');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('Bashir Rahimi');
      expect(part).toContain('Chen Wei');
      expect(part).toContain('Kabul University');
      expect(part).toContain('archives, outreach');
      expect(part).toContain('Afghanistan');
      expect(part).toContain('Singapore');
    }
  });

  it('escapes a hostile partner name in the HTML part', () => {
    // Prepare
    const recipient = triad({ bashir: '<script>alert("x")</script>' });

    // Act
    const mail = composeMail(recipient, job('intro', 0, recipient.member.id), settings);

    // Assess
    expect(mail.html).not.toContain('<script>alert');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('escapes a hostile recipient name in the HTML part of a topic mail', () => {
    const recipient = triad({ aroha: '<img src=x onerror=steal()>' });

    const mail = composeMail(recipient, job('topic', 1, recipient.member.id), settings);

    expect(mail.html).not.toContain('<img src=x');
    expect(mail.html).toContain('&lt;img src=x onerror=steal()&gt;');
  });

  it('keeps CR and LF in a partner name out of the subject header', () => {
    // Prepare
    const recipient = triad({ bashir: 'Bashir\r\nBcc: victim@example.org' });

    // Act
    const mail = composeMail(recipient, job('intro', 0, recipient.member.id), settings);

    // Assess
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toContain('Bashir Bcc: victim@example.org');
  });

  it("sets Reply-To to a relay address that verifies as the recipient's own", () => {
    // Prepare
    const recipient = triad();

    // Act
    const mail = composeMail(recipient, job('intro', 0, recipient.member.id), settings);

    // Assess
    expect(mail.replyTo).toHaveLength(1);
    expect(mail.replyTo[0]).toMatch(/@reply\.tandem\.example$/);
    expect(verifyRelayAddress(mail.replyTo[0] ?? '', testKeys)).toEqual({
      roundId: recipient.round.id,
      participantId: recipient.member.id,
    });
  });

  it('marks the mail as auto-generated so that auto-responders stay quiet', () => {
    const recipient = triad();

    const mail = composeMail(recipient, job('topic', 2, recipient.member.id), settings);

    expect(mail.headers).toContainEqual({ name: 'Auto-Submitted', value: 'auto-generated' });
  });

  it('offers RFC 8058 one-click unsubscribe with a signed link that is also in the visible footer', () => {
    const recipient = triad();

    const mail = composeMail(recipient, job('topic', 2, recipient.member.id), settings);
    const header = mail.headers.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
    const url = /<(https:[^>]+)>/.exec(header)?.[1] ?? '';
    const check = verifyLinkToken(url.split('/l/')[1] ?? '', testKeys, new Date('2025-06-01T00:00:00Z'));

    expect(mail.headers).toContainEqual({
      name: 'List-Unsubscribe-Post',
      value: 'List-Unsubscribe=One-Click',
    });
    expect(header).toMatch(/, <mailto:r-[^?]+\?subject=unsubscribe&body=STOP>$/);
    expect(url.startsWith(`${settings.linksBaseUrl.replace(/\/$/, '')}/l/`)).toBe(true);
    expect(check).toMatchObject({
      ok: true,
      claims: { action: 'unsubscribe', participantId: recipient.member.id, roundId: recipient.round.id },
    });
    expect(mail.text).toContain(url);
    expect(mail.html).toContain(url);
  });

  it('sends from the configured address', () => {
    const recipient = triad();

    const mail = composeMail(recipient, job('intro', 0, recipient.member.id), settings);

    expect(mail.from).toBe('Tandem <rounds@tandem.example>');
  });

  it.each([1, 3, 8])('uses the title and body of topic %i', (n) => {
    // Prepare
    const recipient = triad();
    const topic = topics[n - 1];

    // Act
    const mail = composeMail(recipient, job('topic', n, recipient.member.id), settings);

    // Assess
    expect(topic).toBeDefined();
    expect(mail.subject).toBe(`Tandem topic ${n} of 8: ${topic?.title}`);
    expect(mail.html).toContain(topic?.html);
    expect(mail.text).toContain(topic?.text);
    expect(mail.tags).toEqual({ kind: 'topic', round: recipient.round.id, topic: String(n) });
  });

  it("refuses a topic beyond the round's topics", () => {
    // Prepare: a short round with two topics.
    const recipient = { ...triad(), round: aRound({ topicDays: [0, 14] }) };

    // Act
    const compose = () => composeMail(recipient, job('topic', 3, recipient.member.id), settings);

    // Assess
    expect(compose).toThrow(MailNotComposable);
    expect(compose).toThrow('round spring-2025 has no topic 3');
  });

  it('refuses a topic there is no content for', () => {
    const recipient = { ...triad(), round: aRound({ topicDays: [0, 14, 28, 42, 56, 70, 84, 98, 112] }) };

    expect(() => composeMail(recipient, job('topic', 9, recipient.member.id), settings)).toThrow(
      MailNotComposable,
    );
  });
});
