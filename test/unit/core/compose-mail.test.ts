import { describe, expect, it } from 'vitest';
import {
  type ComposeSettings,
  composeMail,
  currentPartners,
  MailNotComposable,
  type Recipient,
} from '#core/compose-mail';
import { type LinkAction, verifyLinkToken, verifyReEnrolToken } from '#core/link-token';
import type { MailKind, Member, SendJob } from '#core/model';
import { verifyRelayAddress } from '#core/relay-address';
import { topics } from '#templates/compiled/index';
import { aMember, aRound, partnered, testKeys } from './fixtures.ts';
import { aRoundTopic } from './topics/round-topic-fixture.ts';

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
    expect(mail.tags).toEqual({
      kind: 'topic',
      round: recipient.round.id,
      topic: String(n),
      participant: recipient.member.id,
    });
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

describe('composeMail: a topic of a round with its own topics', () => {
  /** Aroha in a round with two topics of its own, reading in `lang`, with topic 2 read for the mail. */
  const ownRound = (
    lang: 'en' | 'es' | 'fr',
    topic = aRoundTopic('spring-2025', 2, { en: 'Work', es: 'Trabajo' }),
  ) => {
    const recipient = triad();
    return {
      ...recipient,
      round: aRound({ topicDays: [0, 14], ownTopics: 2 }),
      member: { ...recipient.member, mailLanguage: lang },
      topic,
    } satisfies Recipient;
  };

  it("uses the round's topic in the reader's language, never the default topic", () => {
    // Prepare
    const recipient = ownRound('es');

    // Act
    const mail = composeMail(recipient, job('topic', 2, recipient.member.id), settings);

    // Assess
    expect(mail.subject).toContain('Trabajo');
    expect(mail.html).toContain(recipient.topic.texts.es?.html);
    expect(mail.text).toContain(recipient.topic.texts.es?.text);
    expect(mail.html).not.toContain(topics[1]?.html);
    expect(mail.tags.topic).toBe('2');
  });

  it("falls back to the round's English topic for a reader whose language it lacks", () => {
    // Prepare
    const recipient = ownRound('fr');

    // Act
    const mail = composeMail(recipient, job('topic', 2, recipient.member.id), settings);

    // Assess
    expect(mail.subject).toContain('Work');
    expect(mail.html).toContain(recipient.topic.texts.en?.html);
    expect(mail.text).toContain(recipient.topic.texts.en?.text);
  });

  it("says the round's topic count and number, as for the default topics", () => {
    const recipient = ownRound('en');

    const mail = composeMail(recipient, job('topic', 2, recipient.member.id), settings);

    expect(mail.subject).toBe('Tandem topic 2 of 2: Work');
  });

  it('refuses the mail, rather than send a default topic, when the round’s topic was not read', () => {
    // Prepare: no topic read, or another one.
    const { topic: _, ...withoutTopic } = ownRound('en');
    const other = ownRound('en', aRoundTopic('spring-2025', 1));

    // Act, Assess
    for (const recipient of [withoutTopic, other]) {
      expect(() => composeMail(recipient, job('topic', 2, recipient.member.id), settings)).toThrow(
        new MailNotComposable('round spring-2025 has no topic 2'),
      );
    }
  });
});

const NOW = new Date('2025-06-01T00:00:00Z');
const hostile = '<script>alert("x")</script>\nBcc: victim@example.org';
const gmailClipBytes = 102 * 1024;

/** The signed link that follows `label: ` in the text part, verified. */
const linkAfter = (text: string, label: string) => {
  const url = new RegExp(`${label}: (https://\\S+)`).exec(text)?.[1] ?? '';
  return { url, check: verifyLinkToken(url.split('/l/')[1] ?? '', testKeys, NOW) };
};

const pair = (overrides: { member?: Partial<Member>; partner?: Partial<Member> } = {}) => {
  const [aroha, bashir] = partnered('pair', [
    aMember({ seed: 'aroha', name: 'Aroha Ngata', ...overrides.member }),
    aMember({ seed: 'bashir', name: 'Bashir Rahimi', country: 'AF', ...overrides.partner }),
  ]) as [Member, Member];
  return { aroha, bashir };
};

const mailJob = (kind: MailKind, participantId: string, extra: Partial<SendJob> = {}): SendJob => ({
  v: 1,
  roundId: 'spring-2025',
  participantId,
  kind,
  topic: kind === 'topic' ? 1 : 0,
  ...extra,
});

const participantKinds: MailKind[] = [
  'intro',
  'topic',
  'checkin',
  'nudge',
  'partner-left',
  'partner-paused',
  'partner-quiet',
  'close',
];

describe('composeMail for every kind of round mail', () => {
  describe.each(participantKinds)('%s', (kind) => {
    const compose = (names: { member?: string; partner?: string } = {}) => {
      const { aroha, bashir } = pair({
        member: { name: names.member ?? 'Aroha Ngata' },
        partner: {
          name: names.partner ?? 'Bashir Rahimi',
          status: kind === 'partner-paused' ? 'paused' : kind === 'partner-left' ? 'unsubscribed' : 'active',
          pausedUntil: '2025-04-14T06:00:00.000Z',
        },
      });
      const recipient: Recipient = { round: aRound(), member: aroha, partners: [bashir], subject: bashir };
      return {
        mail: composeMail(recipient, mailJob(kind, aroha.id, { subjectId: bashir.id }), settings),
        aroha,
      };
    };

    it('escapes a hostile recipient name in the HTML and keeps line breaks out of the subject', () => {
      const { mail } = compose({ member: hostile, partner: hostile });

      expect(mail.html).not.toContain('<script>');
      expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      expect(mail.subject).not.toMatch(/[\r\n]/);
      // The text part is plain text: the name appears as written, with nothing to interpret it.
      expect(mail.text).toContain('<script>alert("x")</script>');
    });

    it('renders a text part and an English HTML part well under the Gmail clipping size', () => {
      const { mail } = compose();

      expect(mail.text.length).toBeGreaterThan(200);
      expect(mail.text).not.toContain('{{');
      expect(mail.html).toMatch(/^<!doctype html><html lang="en"/);
      expect(Buffer.byteLength(mail.html)).toBeLessThan(gmailClipBytes);
    });

    it('declares the recipient’s mail language on the HTML part', () => {
      const { aroha, bashir } = pair({
        member: { mailLanguage: 'es' },
        partner: {
          status: kind === 'partner-paused' ? 'paused' : kind === 'partner-left' ? 'unsubscribed' : 'active',
        },
      });
      const recipient: Recipient = { round: aRound(), member: aroha, partners: [bashir], subject: bashir };

      const mail = composeMail(recipient, mailJob(kind, aroha.id, { subjectId: bashir.id }), settings);

      expect(mail.html).toMatch(/^<!doctype html><html lang="es"/);
    });

    it('keeps the unsubscribe footer, the one-click headers and Auto-Submitted', () => {
      const { mail, aroha } = compose();
      const unsubscribe = linkAfter(mail.text, 'Unsubscribe');

      expect(unsubscribe.check).toMatchObject({
        ok: true,
        claims: { action: 'unsubscribe', participantId: aroha.id },
      });
      expect(mail.html).toContain(`href="${unsubscribe.url}"`);
      expect(mail.headers).toContainEqual({ name: 'Auto-Submitted', value: 'auto-generated' });
      expect(mail.headers).toContainEqual({
        name: 'List-Unsubscribe',
        value: expect.stringContaining(`<${unsubscribe.url}>`),
      });
      expect(mail.headers).toContainEqual({
        name: 'List-Unsubscribe-Post',
        value: 'List-Unsubscribe=One-Click',
      });
    });

    it('tags the mail with its kind, round and recipient for the SES event handler', () => {
      const { mail, aroha } = compose();

      expect(mail.tags).toMatchObject({ kind, round: 'spring-2025', participant: aroha.id });
      for (const value of Object.values(mail.tags)) expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
    });
  });

  it.each([
    ['intro', 'pause'],
    ['intro', 'quiet'],
    ['topic', 'pause'],
    ['topic', 'quiet'],
  ] as const)('puts a signed %s link for "%s" in the footer', (kind, action) => {
    const { aroha, bashir } = pair();
    const label = action === 'pause' ? 'Pause my mail' : 'My partner has gone quiet';

    const mail = composeMail(
      { round: aRound(), member: aroha, partners: [bashir] },
      mailJob(kind, aroha.id),
      settings,
    );
    const link = linkAfter(mail.text, label);

    expect(link.check).toMatchObject({ ok: true, claims: { action, participantId: aroha.id } });
    expect(mail.html).toContain(`<a href="${link.url}" style="color:#5b656b">${label}</a>`);
  });

  it.each([
    ['checkin', 'checkin1'],
    ['close', 'checkin2'],
  ] as const)('offers the three %s answers as signed %s-* links', (kind, checkin) => {
    const { aroha, bashir } = pair();

    const mail = composeMail(
      { round: aRound(), member: aroha, partners: [bashir] },
      mailJob(kind, aroha.id),
      settings,
    );

    const answers: [string, LinkAction][] = [
      ['1. Yes', `${checkin}-yes`],
      ['2. Not yet', `${checkin}-not-yet`],
      ['3. We have not managed', `${checkin}-not-managed`],
    ];
    for (const [label, action] of answers) {
      const link = linkAfter(mail.text, label);
      expect(link.check).toMatchObject({ ok: true, claims: { action, participantId: aroha.id } });
      expect(mail.html).toContain(`href="${link.url}"`);
    }
    expect(mail.text).toContain('Or reply to this email with just 1, 2 or 3');
  });

  it('answers check-in 1 from the mid-round mail the dispatcher numbers as check-in 1', () => {
    const { aroha, bashir } = pair();
    const recipient = { round: aRound(), member: aroha, partners: [bashir] };

    const mail = composeMail(recipient, mailJob('checkin', aroha.id, { topic: 1 }), settings);

    expect(linkAfter(mail.text, '1. Yes').check).toMatchObject({ claims: { action: 'checkin1-yes' } });
    expect(() => composeMail(recipient, mailJob('checkin', aroha.id, { topic: 2 }), settings)).toThrow(
      MailNotComposable,
    );
  });

  it('signs every link to expire a year after the round ends, like the unsubscribe link', () => {
    const { aroha, bashir } = pair();
    const roundEnd = Date.parse('2025-06-23T00:00:00Z') / 1000;

    const mail = composeMail(
      { round: aRound(), member: aroha, partners: [bashir] },
      mailJob('topic', aroha.id),
      settings,
    );

    for (const label of ['Pause my mail', 'My partner has gone quiet', 'Unsubscribe']) {
      expect(linkAfter(mail.text, label).check).toMatchObject({
        ok: true,
        claims: { expiresAt: roundEnd + 365 * 86_400 },
      });
    }
  });

  it('names only partners who are active or paused', () => {
    const [aroha, bashir, chen] = partnered('trio', [
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'bashir', name: 'Bashir Rahimi', status: 'unsubscribed' }),
      aMember({ seed: 'chen', name: 'Chen Wei', status: 'paused' }),
    ]) as [Member, Member, Member];
    const recipient = { round: aRound(), member: aroha, partners: [bashir, chen] };

    for (const kind of ['intro', 'topic', 'checkin', 'nudge'] as const) {
      const mail = composeMail(recipient, mailJob(kind, aroha.id), settings);
      for (const part of [mail.subject, mail.html, mail.text]) expect(part, kind).not.toContain('Bashir');
      expect(mail.text, kind).toContain('Chen Wei');
    }
    expect(currentPartners([bashir, chen])).toEqual([chen]);
  });

  it.each(['intro', 'topic', 'checkin', 'nudge'] as const)(
    'refuses a %s mail when no partner is active or paused',
    (kind) => {
      const { aroha, bashir } = pair({ partner: { status: 'suppressed' } });

      expect(() =>
        composeMail(
          { round: aRound(), member: aroha, partners: [bashir] },
          mailJob(kind, aroha.id),
          settings,
        ),
      ).toThrow(MailNotComposable);
    },
  );

  it.each(['partner-left', 'partner-paused', 'partner-quiet'] as const)(
    'refuses a %s mail without the participant it is about',
    (kind) => {
      const { aroha, bashir } = pair();

      expect(() =>
        composeMail(
          { round: aRound(), member: aroha, partners: [bashir] },
          mailJob(kind, aroha.id),
          settings,
        ),
      ).toThrow(MailNotComposable);
    },
  );
});

describe('composeMail: intro', () => {
  it('welcomes the recipient to the round at launch', () => {
    const { aroha, bashir } = pair();

    const mail = composeMail(
      { round: aRound(), member: aroha, partners: [bashir] },
      mailJob('intro', aroha.id),
      settings,
    );

    expect(mail.text).toContain('Welcome to Spring 2025! We are delighted');
    expect(mail.text).not.toContain('new partner');
  });

  it('tells the recipient of a mid-round introduction that they have a new partner', () => {
    const { aroha, bashir } = pair();

    const mail = composeMail(
      { round: aRound(), member: aroha, partners: [bashir] },
      mailJob('intro', aroha.id, { ref: 'repair-tpairaaaaaaaa' }),
      settings,
    );

    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('You have a new partner for the rest of Spring 2025!');
      expect(part).not.toContain('Welcome to');
    }
    expect(mail.subject).toBe('Your Tandem introduction: meet Bashir Rahimi');
  });
});

describe('composeMail: nudge', () => {
  it('says the partner would love to hear from them, and offers pause and leave links', () => {
    const { aroha, bashir } = pair();

    const mail = composeMail(
      { round: aRound(), member: aroha, partners: [bashir] },
      mailJob('nudge', aroha.id),
      settings,
    );

    expect(mail.subject).toBe('Tandem: Bashir Rahimi would love to hear from you');
    expect(mail.text).toContain('simply reply to this email');
    expect(linkAfter(mail.text, 'Pause my mail').check).toMatchObject({ claims: { action: 'pause' } });
    expect(linkAfter(mail.text, 'Leave the round').check).toMatchObject({
      claims: { action: 'unsubscribe' },
    });
    expect(mail.html).toContain('>pause your mail</a>');
    expect(mail.html).toContain('>leave the round</a>');
  });
});

describe('composeMail: partner news', () => {
  it('tells the partner left behind that a new partner is coming, without saying why the other left', () => {
    const { aroha, bashir } = pair({ partner: { status: 'suppressed', suppressedReason: 'bounce' } });

    const mail = composeMail(
      { round: aRound(), member: { ...aroha, partnerIds: [] }, partners: [], subject: bashir },
      mailJob('partner-left', aroha.id, { subjectId: bashir.id, ref: 'left-pbashir' }),
      settings,
    );

    expect(mail.subject).toBe('Tandem: Bashir Rahimi is no longer taking part');
    expect(mail.text).toContain('Bashir Rahimi is no longer taking part in Spring 2025');
    expect(mail.text).toContain('We will introduce you to a new partner shortly');
    expect(mail.text).toContain('topics continue meanwhile');
    expect(mail.text).toContain('reply to this email with PAUSE');
    expect(linkAfter(mail.text, 'Pause my mail').check).toMatchObject({ claims: { action: 'pause' } });
    for (const part of [mail.subject, mail.html, mail.text]) {
      expect(part).not.toMatch(/unsubscribed|bounc|suppress|stopped working|spam/i);
    }
  });

  it('tells a triad member who still has a partner that the two of them carry on', () => {
    const [aroha, bashir, chen] = partnered('trio', [
      aMember({ seed: 'aroha' }),
      aMember({ seed: 'bashir', name: 'Bashir Rahimi', status: 'unsubscribed' }),
      aMember({ seed: 'chen', name: 'Chen Wei' }),
    ]) as [Member, Member, Member];

    const mail = composeMail(
      { round: aRound(), member: aroha, partners: [bashir, chen], subject: bashir },
      mailJob('partner-left', aroha.id, { subjectId: bashir.id }),
      settings,
    );

    expect(mail.text).toContain('You and Chen Wei carry on together');
    expect(mail.text).not.toContain('new partner');
  });

  it.each([
    ['Pacific/Auckland', 'Monday, 14 April 2025'],
    ['America/Los_Angeles', 'Sunday, 13 April 2025'],
  ])("shows when a paused partner is back as a date in the recipient's time zone (%s)", (timezone, date) => {
    const { aroha, bashir } = pair({
      member: { timezone },
      partner: { status: 'paused', pausedUntil: '2025-04-14T06:00:00.000Z' },
    });

    const mail = composeMail(
      { round: aRound(), member: aroha, partners: [bashir], subject: bashir },
      mailJob('partner-paused', aroha.id, { subjectId: bashir.id }),
      settings,
    );

    expect(mail.subject).toBe('Tandem: Bashir Rahimi is taking a break');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain(`Bashir Rahimi has paused their Tandem mail until ${date}.`);
    }
    expect(mail.text).toContain('keep the conversation going');
    expect(linkAfter(mail.text, 'Pause my mail').check).toMatchObject({ claims: { action: 'pause' } });
  });

  it('writes the day a paused partner is back in the recipient’s mail language', () => {
    const { aroha, bashir } = pair({
      member: { timezone: 'America/Los_Angeles', mailLanguage: 'es' },
      partner: { status: 'paused', pausedUntil: '2025-04-14T06:00:00.000Z' },
    });

    const mail = composeMail(
      { round: aRound(), member: aroha, partners: [bashir], subject: bashir },
      mailJob('partner-paused', aroha.id, { subjectId: bashir.id }),
      settings,
    );

    for (const part of [mail.html, mail.text]) expect(part).toContain('domingo, 13 de abril de 2025');
  });

  it('says "for a little while" when a partner paused without an end date', () => {
    const { aroha, bashir } = pair({ partner: { status: 'paused' } });

    const mail = composeMail(
      { round: aRound(), member: aroha, partners: [bashir], subject: bashir },
      mailJob('partner-paused', aroha.id, { subjectId: bashir.id }),
      settings,
    );

    expect(mail.text).toContain('paused their Tandem mail for a little while.');
  });

  it('tells the active partner of a quiet one that a new partner is coming and the coordinator knows', () => {
    const { aroha, bashir } = pair();

    const mail = composeMail(
      { round: aRound(), member: aroha, partners: [bashir], subject: bashir },
      mailJob('partner-quiet', aroha.id, { subjectId: bashir.id, ref: 'quiet-tpair' }),
      settings,
    );

    expect(mail.subject).toBe('Tandem: sorry it has gone quiet');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('gone quiet with Bashir Rahimi');
      expect(part).toContain('We will introduce you to a new partner shortly');
      expect(part).toContain('The coordinator of Spring 2025 knows');
    }
  });
});

describe('composeMail: close', () => {
  it('thanks the recipient, ends the partnership and names the coordinator to write to', () => {
    const { aroha } = pair();

    const mail = composeMail(
      {
        round: aRound({ status: 'closed', coordinatorEmail: 'coordinator@library.example' }),
        member: aroha,
        partners: [],
      },
      mailJob('close', aroha.id),
      settings,
    );

    expect(mail.subject).toBe('Spring 2025 has ended: thank you, and what now');
    for (const part of [mail.html, mail.text]) {
      expect(part).toContain('Spring 2025 has now ended. Thank you');
      expect(part).toContain('Your partnership ends with the round');
      expect(part).toContain('Write to the coordinator at coordinator@library.example');
    }
  });

  it('leaves the coordinator out when the round names none', () => {
    const { aroha } = pair();

    const mail = composeMail(
      { round: aRound({ status: 'closed' }), member: aroha, partners: [] },
      mailJob('close', aroha.id),
      settings,
    );

    expect(mail.text).toContain('we email you once when the next one opens.\n');
    expect(mail.text).not.toContain('coordinator at');
  });

  it('links to re-enrolling: a re-enrolment token for the recipient, issued as of the round’s last day', () => {
    const { aroha } = pair();
    const round = aRound({ status: 'closed' });

    const mail = composeMail({ round, member: aroha, partners: [] }, mailJob('close', aroha.id), settings);

    const url = /Join the next round: (\S+)/.exec(mail.text)?.[1] ?? '';
    expect(url).toMatch(/^https:\/\/links\.tandem\.example\/join\/again\?token=[\w.-]+$/);
    expect(mail.html).toContain(`href="${url}"`);
    const token = new URL(url).searchParams.get('token') ?? '';
    // The round ends on 2025-06-23: the link works for a year from then.
    expect(verifyReEnrolToken(token, testKeys, new Date('2026-06-22T23:00:00Z'))).toEqual({
      ok: true,
      claims: { participantId: aroha.id, issuedAt: Date.parse('2025-06-23T00:00:00Z') / 1000 },
    });
    expect(verifyReEnrolToken(token, testKeys, new Date('2026-06-23T00:00:00Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
    // Not a round link: it asks the links function for nothing.
    expect(verifyLinkToken(token, testKeys, new Date('2025-07-01T00:00:00Z')).ok).toBe(false);
  });
});
