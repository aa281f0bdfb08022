import { describe, expect, it } from 'vitest';
import { composeCommandAck, composeRelay, composeUndeliverable } from '#core/compose-inbound';
import { type ComposeSettings, composeMail } from '#core/compose-mail';
import { composeNextRoundMail } from '#core/compose-re-enrol';
import { composeSignUpMail } from '#core/compose-sign-up';
import { programmeValues, senderNameOf, translatorFor } from '#core/i18n';
import type { MailLanguage } from '#core/languages';
import { donePage } from '#core/link-pages';
import type { MailKind, Member, SendJob } from '#core/model';
import type { ProgrammeSettings } from '#core/programme';
import { aMember, aRound, partnered, signUpId, testKeys } from './fixtures.ts';

const settings: ComposeSettings = {
  from: 'rounds@tandem.example',
  replyDomain: 'reply.tandem.example',
  linksBaseUrl: 'https://links.tandem.example/',
  keys: testKeys,
};

const nurses: ProgrammeSettings = {
  name: { en: 'Nurses Connect', es: 'Enfermería Conecta' },
  audience: { en: 'nurses and midwives', es: 'profesionales de enfermería' },
  senderName: { en: 'Nurses Connect team', es: 'Equipo de Enfermería Conecta' },
  signOff: { en: 'Ana, for the Nurses Connect team', es: 'Ana, por el equipo' },
  replyHelp: { en: 'Questions about the programme? Write to nurses@example.org.' },
};

/** The display name of a From value, its RFC 2047 words decoded. */
const displayName = (from: string): string => {
  const name = /^(.*) <[^<>]+>$/.exec(from)?.[1] ?? '';
  const words = [...name.matchAll(/=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=/g)];
  if (words.length === 0) return name.replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1');
  return words.map((word) => Buffer.from(word[1] ?? '', 'base64').toString('utf8')).join('');
};

/** Aroha and Bashir, partners in a round with `programme` as its settings (null: none). */
const pair = (mailLanguage: MailLanguage = 'en', programme: ProgrammeSettings | null = nurses) => {
  const [aroha, bashir] = partnered('pair', [
    aMember({ seed: 'aroha', name: 'Aroha Ngata', mailLanguage }),
    aMember({ seed: 'bashir', name: 'Bashir Rahimi', mailLanguage }),
  ]) as [Member, Member];
  const round = aRound({ name: 'Spring 2025', ...(programme ? { programme } : {}) });
  return { round, aroha, bashir };
};

const job = (kind: MailKind, participantId: string, extra: Partial<SendJob> = {}): SendJob => ({
  v: 1,
  roundId: 'spring-2025',
  participantId,
  kind,
  topic: 0,
  ...extra,
});

describe('translatorFor with a programme', () => {
  it("speaks the programme's words in the reader's language", () => {
    // Act
    const t = translatorFor('es', nurses);

    // Assess
    expect(t.text('programme.name')).toBe('Enfermería Conecta');
    expect(t.text('programme.audience')).toBe('profesionales de enfermería');
    expect(t.text('programme.signOff')).toBe('Ana, por el equipo');
    expect(senderNameOf(t)).toBe('Equipo de Enfermería Conecta');
  });

  it("falls back to the field's English, then to the catalogue's text of the language", () => {
    // Act
    const t = translatorFor('fr', { name: { en: 'Nurses Connect' }, audience: { es: 'enfermeras' } });

    // Assess
    expect(t.text('programme.name')).toBe('Nurses Connect');
    expect(t.text('programme.audience')).toBe('professionnels des bibliothèques');
    expect(t.text('programme.signOff')).toBe('L’équipe Tandem');
  });

  it('takes one text given for every language in each of them', () => {
    expect(translatorFor('pt', { name: 'Nurses Connect' }).text('programme.name')).toBe('Nurses Connect');
  });

  it("sends in the programme's name when no sender's name is set, and as Tandem without settings", () => {
    expect(senderNameOf(translatorFor('en', { name: 'Nurses Connect' }))).toBe('Nurses Connect');
    expect(senderNameOf(translatorFor('en'))).toBe('Tandem');
  });

  it('writes the words as they are, never as ICU syntax, and escapes them in HTML', () => {
    // Prepare
    const t = translatorFor('en', { name: "Nurses' {Connect} & <Care>" });

    // Act
    const values = programmeValues(t);

    // Assess
    expect(t.text('programme.name')).toBe("Nurses' {Connect} & <Care>");
    expect(t.html('programme.name')).toBe('Nurses&#39; {Connect} &amp; &lt;Care&gt;');
    expect(t.html('common.whyTakingPart', { ...values, roundName: 'Spring' })).toContain(
      'a Nurses&#39; {Connect} &amp; &lt;Care&gt; peer-mentoring round for library professionals.',
    );
  });

  it('gives the reply help and the banner among the programme values, and no reply help by default', () => {
    expect(programmeValues(translatorFor('en', nurses))).toMatchObject({
      programme: 'Nurses Connect',
      programmeBanner: 'NURSES CONNECT',
      hasReplyHelp: 'yes',
      replyHelp: 'Questions about the programme? Write to nurses@example.org.',
    });
    expect(programmeValues(translatorFor('en'))).toMatchObject({
      programmeBanner: 'TANDEM',
      hasReplyHelp: 'no',
      replyHelp: '',
    });
  });

  it('keeps handing out the one shared translator of a language when the settings give it nothing', () => {
    expect(translatorFor('fr', { audience: { es: 'enfermeras' } })).toBe(translatorFor('fr'));
    expect(translatorFor('fr', nurses)).not.toBe(translatorFor('fr'));
  });
});

describe("round mail with the round's programme settings", () => {
  it.each(['intro', 'topic', 'checkin', 'nudge', 'close'] as const)(
    "%s: comes from the sender's name and carries the reply help in both footers",
    (kind) => {
      // Prepare
      const { round, aroha, bashir } = pair();

      // Act
      const mail = composeMail(
        { round, member: aroha, partners: [bashir] },
        job(kind, aroha.id, kind === 'topic' ? { topic: 2 } : {}),
        settings,
      );

      // Assess: a name of plain words goes as it is, as "Tandem" always has.
      expect(mail.from).toBe('Nurses Connect team <rounds@tandem.example>');
      const help = 'Questions about the programme? Write to nurses@example.org.';
      expect(mail.text).toContain(`peer-mentoring round for nurses and midwives. ${help}`);
      expect(mail.html).toContain('for nurses and midwives.');
      expect(mail.html).toContain(`>Unsubscribe</a>. ${help}</div>`);
      expect(mail.html).toContain('>NURSES CONNECT</');
      // Nothing of Tandem's own words is left (its domain, in the links, is no word of the mail).
      expect(`${mail.subject}\n${mail.html}\n${mail.text}`).not.toMatch(
        /Tandem|TANDEM|library professionals/,
      );
    },
  );

  it("names the programme in the subject and signs off as the programme signs, in the reader's language", () => {
    // Prepare
    const { round, aroha, bashir } = pair('es');

    // Act
    const mail = composeMail({ round, member: aroha, partners: [bashir] }, job('intro', aroha.id), settings);

    // Assess
    expect(mail.subject).toContain('Enfermería Conecta');
    expect(mail.text).toContain('Ana, por el equipo');
    expect(mail.text).toContain('profesionales de enfermería');
    // Spanish has no reply help of its own, and takes the English one.
    expect(mail.text).toContain('Questions about the programme? Write to nurses@example.org.');
    expect(displayName(mail.from)).toBe('Equipo de Enfermería Conecta');
  });

  it('keeps the From header ASCII with a sender’s name outside ASCII, encoded as RFC 2047', () => {
    // Prepare
    const { round, aroha, bashir } = pair('en', { senderName: 'Enfermería Conecta — Équipe' });

    // Act
    const mail = composeMail({ round, member: aroha, partners: [bashir] }, job('nudge', aroha.id), settings);

    // Assess
    expect(mail.from).toMatch(/^[ -~]+$/);
    expect(mail.from).toMatch(/^=\?UTF-8\?B\?/);
    expect(displayName(mail.from)).toBe('Enfermería Conecta — Équipe');
  });

  it('quotes a sender’s name with characters a header gives meaning to', () => {
    // Prepare
    const { round, aroha, bashir } = pair('en', { senderName: 'Nurses, "Midwives" & Co' });

    // Act
    const mail = composeMail({ round, member: aroha, partners: [bashir] }, job('nudge', aroha.id), settings);

    // Assess
    expect(mail.from).toBe('"Nurses, \\"Midwives\\" & Co" <rounds@tandem.example>');
  });

  it.each(['partner-left', 'partner-paused', 'partner-quiet'] as const)(
    '%s: carries the reply help and the audience',
    (kind) => {
      // Prepare
      const { round, aroha, bashir } = pair();

      // Act
      const mail = composeMail(
        { round, member: aroha, partners: kind === 'partner-left' ? [] : [bashir], subject: bashir },
        job(kind, aroha.id, { subjectId: bashir.id }),
        settings,
      );

      // Assess
      expect(mail.text).toContain('for nurses and midwives. Questions about the programme?');
      expect(mail.from).toBe('Nurses Connect team <rounds@tandem.example>');
    },
  );

  it('has no reply help, and reads as before, without settings', () => {
    // Prepare
    const { round, aroha, bashir } = pair('en', null);

    // Act
    const mail = composeMail(
      { round, member: aroha, partners: [bashir] },
      job('checkin', aroha.id),
      settings,
    );

    // Assess
    expect(mail.from).toBe('Tandem <rounds@tandem.example>');
    expect(mail.text).toMatch(/a Tandem peer-mentoring round for library professionals\.\n/);
    expect(mail.html).toContain('>TANDEM</');
  });
});

describe("the other participants' mails with the round's programme settings", () => {
  it('relays a reply as "<name> via" the programme, in the recipient\'s language', () => {
    // Prepare
    const { round, aroha, bashir } = pair('es');

    // Act
    const mail = composeRelay(
      { round, sender: aroha, recipient: bashir, subject: 'Hola', text: '¡Hola!', attachments: [] },
      settings,
    );

    // Assess
    expect(displayName(mail.from)).toContain('Enfermería Conecta');
    expect(displayName(mail.from)).toContain('Aroha Ngata');
  });

  it("acknowledges a command from the sender's name, signed as the programme signs", () => {
    // Prepare
    const { round, aroha } = pair();

    // Act
    const mail = composeCommandAck(round, aroha, 'STOP', 'changed', settings);

    // Assess
    expect(mail.from).toBe('"Nurses Connect team" <rounds@tandem.example>');
    expect(mail.text).toContain('Ana, for the Nurses Connect team');
    expect(mail.text).not.toContain('Tandem');
  });

  it("answers an undeliverable mail with the round's words when the round is known, Tandem's otherwise", () => {
    // Act
    const known = composeUndeliverable('ana@example.org', 'Hi', 'round-closed', settings, 'en', nurses);
    const unknown = composeUndeliverable('ana@example.org', 'Hi', 'unknown-address', settings);

    // Assess
    expect(known.from).toBe('"Nurses Connect team" <rounds@tandem.example>');
    expect(known.text).toContain('Ana, for the Nurses Connect team');
    expect(unknown.from).toBe('"Tandem" <rounds@tandem.example>');
  });

  it("confirms a sign-up and tells of a round opening in the round's words", () => {
    // Prepare
    const { round, aroha } = pair();

    // Act
    const signUp = composeSignUpMail({
      round,
      signUp: {
        id: signUpId('ana'),
        profile: { email: 'ana@example.org', name: 'Ana Silva' },
        expiresAt: '2025-02-08T10:30:00.000Z',
      },
      settings,
    });
    const nextRound = composeNextRoundMail({
      round,
      participant: aroha,
      now: new Date('2025-02-01T10:30:00.000Z'),
      settings,
    });

    // Assess
    for (const mail of [signUp, nextRound]) {
      expect(mail.from).toBe('Nurses Connect team <rounds@tandem.example>');
      expect(mail.text).toContain('Nurses Connect');
      expect(mail.text).toContain('Ana, for the Nurses Connect team');
      expect(mail.html).toContain('>NURSES CONNECT</');
    }
  });
});

describe("link pages with the round's programme settings", () => {
  it('name the programme in the title and the banner', () => {
    // Act
    const html = donePage({
      action: 'quiet',
      round: 'Spring 2025',
      t: translatorFor('en', nurses),
      outcome: 'changed',
    });

    // Assess
    expect(html).toContain('· Nurses Connect</title>');
    expect(html).toContain('<header>NURSES CONNECT</header>');
  });
});
