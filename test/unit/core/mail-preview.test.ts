import { describe, expect, it } from 'vitest';
import type { ComposeSettings } from '#core/compose-mail';
import { programmeValues, translatorFor } from '#core/i18n';
import { verifyLinkToken, verifyReEnrolToken, verifySignUpToken } from '#core/link-token';
import {
  type MailPreview,
  PREVIEW_KINDS,
  previewIndexPage,
  previewMails,
  previewParticipant,
  previewPartners,
  SAMPLE_PARTNER_NAME,
  usesSamplePartner,
} from '#core/mail-preview';
import type { Member } from '#core/model';
import type { SigningKeys } from '#core/relay-address';
import { aMember, aRound, partnered, testKeys } from './fixtures.ts';

/** Keys made for a preview: not the stage's (testKeys stands for those). */
const throwaway: SigningKeys = { current: '1', keys: { '1': 'throwaway-0123456789abcdef0123456789' } };
const settings: ComposeSettings = {
  from: 'rounds@example.invalid',
  replyDomain: 'reply.example.invalid',
  linksBaseUrl: 'https://links.tandem.example/',
  keys: throwaway,
};
const NOW = new Date('2025-03-20T10:00:00.000Z');

const round = aRound({ name: 'Spring 2025', coordinatorEmail: 'coordinator@example.org' });
const [aroha, bashir] = partnered('pair', [
  aMember({ seed: 'aroha', name: 'Aroha Ngata', country: 'NZ', registrationSeq: 1 }),
  aMember({
    seed: 'bashir',
    name: 'Bashir Rahimi',
    country: 'AF',
    timezone: 'Asia/Kabul',
    registrationSeq: 2,
  }),
]) as [Member, Member];

const preview = (overrides: Partial<Parameters<typeof previewMails>[0]> = {}) =>
  previewMails({ round, member: aroha, partners: [bashir], settings, now: NOW, ...overrides });

/** Every token the links of a mail carry: one-click links, sign-up confirmation, re-enrolment. */
const tokensIn = (mails: readonly MailPreview[]) => {
  const html = mails.map((m) => m.html).join('\n');
  return {
    link: [...html.matchAll(/\/l\/([A-Za-z0-9_.-]+)/g)].map((m) => m[1] as string),
    signUp: [...html.matchAll(/\/join\/confirm\?token=([A-Za-z0-9_.-]+)/g)].map((m) => m[1] as string),
    reEnrol: [...html.matchAll(/\/join\/again\?token=([A-Za-z0-9_.-]+)/g)].map((m) => m[1] as string),
  };
};

describe('previewMails', () => {
  it('composes every kind a participant can receive, every topic of the round, each variant once', () => {
    // Act
    const mails = preview();

    // Assess
    expect(new Set(mails.map((m) => m.kind))).toEqual(new Set(PREVIEW_KINDS));
    expect(mails.filter((m) => m.kind === 'topic').map((m) => m.variant)).toEqual(
      round.topicDays.map((_, i) => `topic-0${i + 1}`),
    );
    expect(mails.filter((m) => m.kind === 'command-ack').map((m) => m.variant)).toEqual([
      'command-ack-stop',
      'command-ack-pause',
      'command-ack-resume',
      'command-ack-quiet',
      'command-ack-checkin-yes',
      'command-ack-checkin-not-yet',
      'command-ack-checkin-not-managed',
    ]);
    expect(new Set(mails.map((m) => m.variant)).size).toBe(mails.length);
    expect(mails.find((m) => m.variant === 'intro')?.html).toContain('Bashir Rahimi');
    for (const mail of mails) {
      expect(mail.lang).toBe('en');
      expect(mail.subject).not.toBe('');
      expect(mail.text).not.toBe('');
      expect(mail.html).toContain('<html lang="en"');
    }
  });

  it('marks the relayed reply as a sample, in the partner’s name', () => {
    // Act
    const relay = preview({ kind: 'relay' })[0];

    // Assess
    expect(relay?.text).toContain('SAMPLE REPLY');
    expect(relay?.text).toContain('not by Bashir Rahimi');
    expect(relay?.label).toContain('sample');
  });

  it('keeps to one kind when asked', () => {
    // Act
    const topics = preview({ kind: 'topic' });
    const intro = preview({ kind: 'intro' });

    // Assess
    expect(topics).toHaveLength(round.topicDays.length);
    expect(topics.every((m) => m.kind === 'topic')).toBe(true);
    expect(intro.map((m) => m.variant)).toEqual(['intro']);
  });

  it('leaves out the mid-round check-in of a round that has none', () => {
    // Act
    const mails = previewMails({
      round: { ...round, checkinDays: [] },
      member: aroha,
      partners: [bashir],
      settings,
      now: NOW,
    });

    // Assess
    expect(mails.map((m) => m.kind)).not.toContain('checkin');
    expect(mails.map((m) => m.kind)).toContain('close');
  });

  it('writes in the language asked for, from its catalogue, whatever the participant reads', () => {
    // Act
    const mails = preview({ lang: 'es' });

    // Assess
    const t = translatorFor('es');
    const intro = mails.find((m) => m.variant === 'intro');
    expect(intro?.subject).toBe(
      t.text('intro.subject', { ...programmeValues(t), partnerNames: bashir.name }),
    );
    expect(intro?.html).toContain('<html lang="es"');
    expect(mails.every((m) => m.lang === 'es')).toBe(true);
    expect(mails.find((m) => m.variant === 'topic-01')?.subject).toContain('Conocerse');
  });

  it('introduces a clearly labelled sample partner from another country when there is no partner yet', () => {
    // Prepare: a draft round, nobody matched
    const draft = { ...round, status: 'draft' as const };
    const alone = aMember({ seed: 'aroha', name: 'Aroha Ngata', country: 'BR' });

    // Act
    const mails = previewMails({ round: draft, member: alone, partners: [], settings, now: NOW });

    // Assess
    const [partner] = previewPartners(alone, []);
    expect(usesSamplePartner([])).toBe(true);
    expect(partner?.name).toBe(SAMPLE_PARTNER_NAME);
    expect(partner?.country).not.toBe('BR');
    expect(new Set(mails.map((m) => m.kind))).toEqual(new Set(PREVIEW_KINDS));
    expect(mails.find((m) => m.variant === 'intro')?.html).toContain(SAMPLE_PARTNER_NAME);
    expect(mails.find((m) => m.variant === 'partner-left')?.text).toContain(SAMPLE_PARTNER_NAME);
  });

  it('uses the sample partner when every partner has left', () => {
    // Act
    const gone = { ...bashir, status: 'unsubscribed' as const };
    const intro = preview({ partners: [gone], kind: 'intro' })[0];

    // Assess
    expect(intro?.html).toContain(SAMPLE_PARTNER_NAME);
    expect(intro?.html).not.toContain('Bashir Rahimi');
  });

  it('signs its links with the keys it is given, so none verifies with the stage’s keys', () => {
    // Act
    const tokens = tokensIn(preview());

    // Assess: the links are there, ours, and worthless to the stage
    expect(tokens.link.length).toBeGreaterThan(10);
    expect(tokens.signUp).toHaveLength(1);
    expect(tokens.reEnrol.length).toBeGreaterThan(0);
    for (const token of tokens.link) {
      expect(verifyLinkToken(token, throwaway, NOW).ok).toBe(true);
      expect(verifyLinkToken(token, testKeys, NOW)).toEqual({ ok: false, reason: 'forged' });
    }
    for (const token of tokens.signUp) expect(verifySignUpToken(token, testKeys, NOW).ok).toBe(false);
    for (const token of tokens.reEnrol) expect(verifyReEnrolToken(token, testKeys, NOW).ok).toBe(false);
  });
});

describe('previewParticipant', () => {
  const waiting = aMember({ seed: 'chen', name: 'Chen Wei', registrationSeq: 0 });

  it('takes the first registered member with a partner by default', () => {
    // Act
    const chosen = previewParticipant([bashir, waiting, aroha]);

    // Assess
    expect(chosen?.member.id).toBe(aroha.id);
    expect(chosen?.partners.map((p) => p.id)).toEqual([bashir.id]);
  });

  it('takes the first registered member when nobody has a partner', () => {
    // Act
    const chosen = previewParticipant([{ ...aroha, partnerIds: [] }, waiting]);

    // Assess
    expect(chosen?.member.id).toBe(waiting.id);
    expect(chosen?.partners).toEqual([]);
  });

  it('finds a member by address, in any case, and nobody for an address not in the round', () => {
    // Act
    const found = previewParticipant([aroha, bashir], ' BASHIR@example.org ');
    const missing = previewParticipant([aroha, bashir], 'nobody@example.org');

    // Assess
    expect(found?.member.id).toBe(bashir.id);
    expect(missing).toBeUndefined();
    expect(previewParticipant([])).toBeUndefined();
  });
});

describe('previewIndexPage', () => {
  it('lists every mail with its subject, language and both files, and says the links do not work', () => {
    // Prepare
    const mails = preview({ lang: 'fr' });

    // Act
    const html = previewIndexPage({
      round,
      member: aroha,
      partners: [bashir],
      samplePartner: false,
      lang: 'fr',
      linksBaseUrl: 'https://links.tandem.example',
      mails,
    });

    // Assess
    for (const mail of mails) {
      expect(html).toContain(`href="${mail.variant}.html"`);
      expect(html).toContain(`href="${mail.variant}.txt"`);
    }
    expect(html).toContain('<html lang="en">');
    expect(html).toContain(`<span lang="fr">${mails[0]?.subject.replace(/'/g, '&#39;')}</span>`);
    expect(html).toContain('Français');
    expect(html).toContain('throwaway key');
    expect(html).toContain('The relayed reply is a sample');
    expect(html).not.toContain(SAMPLE_PARTNER_NAME);
  });

  it('says when the partner is a sample', () => {
    // Act
    const html = previewIndexPage({
      round: { ...round, status: 'draft' },
      member: aroha,
      partners: previewPartners(aroha, []),
      samplePartner: true,
      lang: 'en',
      linksBaseUrl: 'https://example.invalid',
      mails: preview({ kind: 'intro' }),
    });

    // Assess
    expect(html).toContain('has no partner yet, so the mails name a sample partner');
    expect(html).toContain(SAMPLE_PARTNER_NAME);
  });
});
