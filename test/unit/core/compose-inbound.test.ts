import { describe, expect, it } from 'vitest';
import {
  composeCommandAck,
  composeRelay,
  composeUndeliverable,
  RELAY_ATTACHMENT_LIMIT_BYTES,
  type RelayInput,
  textToHtml,
} from '#core/compose-inbound';
import { type ComposeSettings, composeMail } from '#core/compose-mail';
import { programmeValues, translatorFor } from '#core/i18n';
import type { InboundAttachment } from '#core/inbound/parse-mail';
import type { Member } from '#core/model';
import { verifyRelayAddress } from '#core/relay-address';
import { aMember, aRound, partnered, testKeys } from './fixtures.ts';

const settings: ComposeSettings = {
  from: 'rounds@tandem.example',
  replyDomain: 'reply.tandem.example',
  linksBaseUrl: 'https://links.tandem.example/',
  keys: testKeys,
};

const [ben, anna] = partnered('pair', [
  aMember({ seed: 'ben', name: 'Ben Beispiel' }),
  aMember({ seed: 'anna', name: 'Anna Andersen' }),
]) as [Member, Member];
const round = aRound();

const attachment = (
  filename: string,
  size: number,
  extra: Partial<InboundAttachment> = {},
): InboundAttachment => ({
  filename,
  contentType: 'application/octet-stream',
  size,
  content: new Uint8Array(size),
  inline: false,
  ...extra,
});

const relayOf = (overrides: Partial<RelayInput> = {}) =>
  composeRelay(
    {
      round,
      sender: ben,
      recipient: anna,
      subject: 'Re: Your Tandem partner',
      text: 'Thursday works for me.',
      attachments: [],
      ...overrides,
    },
    settings,
  );

const MB = 1024 * 1024;

describe('composeRelay', () => {
  it('sends the reply to the partner from "<Name> via Tandem" on our address', () => {
    // Act
    const mail = relayOf();

    // Assess
    expect(mail.to).toEqual([anna.email]);
    expect(mail.from).toBe('"Ben Beispiel via Tandem" <rounds@tandem.example>');
    expect(mail.subject).toBe('Re: Your Tandem partner');
    expect(mail.text).toContain('Thursday works for me.');
    expect(mail.tags).toEqual({ kind: 'relay', round: round.id, participant: anna.id });
  });

  it("never shows the writer's own address", () => {
    // Act
    const mail = relayOf();

    // Assess
    expect(JSON.stringify(mail)).not.toContain(ben.email);
  });

  it('keeps a hostile sender name from breaking the From header', () => {
    // Act
    const mail = relayOf({ sender: { ...ben, name: 'Ben"\r\nBcc: victim@example.com' } });

    // Assess
    expect(mail.from).not.toMatch(/[\r\n]/);
    expect(mail.from).toBe('"Ben\\" Bcc: victim@example.com via Tandem" <rounds@tandem.example>');
  });

  it('encodes a non-ASCII sender name for the header', () => {
    // Act
    const mail = relayOf({ sender: { ...ben, name: 'José' } });

    // Assess
    const [, b64] = /^=\?UTF-8\?B\?([^?]+)\?= <rounds@tandem\.example>$/.exec(mail.from) ?? [];
    expect(Buffer.from(b64 ?? '', 'base64').toString('utf8')).toBe('José via Tandem');
  });

  it("sets Reply-To to the recipient's own relay address, which verifies as theirs", () => {
    // Act
    const mail = relayOf();

    // Assess
    expect(mail.replyTo).toHaveLength(1);
    expect(mail.replyTo[0]).toMatch(/@reply\.tandem\.example$/);
    expect(verifyRelayAddress(mail.replyTo[0] ?? '', testKeys)).toEqual({
      roundId: round.id,
      participantId: anna.id,
    });
  });

  it("threads the relay with the intro and topic mails of the recipient's partnership", () => {
    // Prepare
    const intro = composeMail(
      { round, member: anna, partners: [ben] },
      { v: 1, roundId: round.id, participantId: anna.id, kind: 'intro', topic: 0 },
      settings,
    );
    const introThread = intro.headers.find((h) => h.name === 'References')?.value;

    // Act
    const mail = relayOf();

    // Assess
    expect(introThread).toBeDefined();
    expect(mail.headers).toEqual(
      expect.arrayContaining([
        { name: 'In-Reply-To', value: introThread },
        { name: 'References', value: introThread },
      ]),
    );
  });

  it('marks the relay with the header that tells a relay coming back from a new reply', () => {
    expect(relayOf().headers).toContainEqual({ name: 'X-Tandem-Relay', value: expect.any(String) });
  });

  it('does not mark a person’s message as auto-generated', () => {
    expect(relayOf().headers.map((h) => h.name)).not.toContain('Auto-Submitted');
  });

  it('names the writer in the subject when the reply has none', () => {
    expect(relayOf({ subject: '   ' }).subject).toBe('A message from Ben Beispiel');
  });

  it('keeps a subject with line breaks on one header line', () => {
    expect(relayOf({ subject: 'Re: hi\r\nBcc: victim@example.com' }).subject).not.toMatch(/[\r\n]/);
  });

  it('passes on attachments that together fit under the limit', () => {
    // Prepare
    const photo = attachment('photo.jpg', 4 * MB, { contentType: 'image/jpeg' });
    const logo = attachment('', 1000, { inline: true, contentId: 'logo@mail', contentType: 'image/png' });

    // Act
    const mail = relayOf({ attachments: [photo, logo] });

    // Assess
    // Compared without the bytes (a deep compare of 4 MB is slow); the bytes are checked by identity.
    expect(mail.attachments?.map(({ content: _, ...rest }) => rest)).toEqual([
      { filename: 'photo.jpg', contentType: 'image/jpeg', inline: false },
      { filename: 'attachment', contentType: 'image/png', inline: true, contentId: 'logo@mail' },
    ]);
    expect(mail.attachments?.[0]?.content).toBe(photo.content);
    expect(mail.attachments?.[1]?.content).toBe(logo.content);
    expect(mail.text).not.toContain('Not passed on');
  });

  it('passes on an attachment of exactly the limit', () => {
    // Act
    const mail = relayOf({ attachments: [attachment('exact.bin', RELAY_ATTACHMENT_LIMIT_BYTES)] });

    // Assess
    expect(mail.attachments?.map((a) => a.filename)).toEqual(['exact.bin']);
  });

  it('names the attachments past the limit in the text and HTML instead of passing them on', () => {
    // Prepare
    const attachments = [
      attachment('first.pdf', 6 * MB),
      attachment('video.mp4', 6 * MB),
      attachment('small.txt', 1000),
    ];

    // Act
    const mail = relayOf({ attachments });

    // Assess
    expect(mail.attachments?.map((a) => a.filename)).toEqual(['first.pdf', 'small.txt']);
    expect(mail.text).toContain('Not passed on, too large for Tandem (limit 10 MB): video.mp4');
    expect(mail.html).toContain('video.mp4');
  });

  it('sends no attachments at all when the only one is too large', () => {
    // Act
    const mail = relayOf({ attachments: [attachment('', RELAY_ATTACHMENT_LIMIT_BYTES + 1)] });

    // Assess
    expect(mail.attachments).toBeUndefined();
    expect(mail.text).toContain('unnamed attachment');
  });

  it('HTML-escapes hostile text, sender name and attachment names', () => {
    // Prepare
    const hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';

    // Act
    const mail = relayOf({
      sender: { ...ben, name: '<b>Ben</b>' },
      text: hostile,
      attachments: [attachment('<svg onload=alert(1)>.exe', RELAY_ATTACHMENT_LIMIT_BYTES + 1)],
    });

    // Assess
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img src=x');
    expect(mail.html).not.toContain('<svg');
    expect(mail.html).not.toContain('<b>Ben</b>');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.text).toContain(hostile);
  });
});

describe('composeRelay in the recipient’s mail language', () => {
  const words = 'Jeudi me va très bien !\n\n<3 & à bientôt,\nBen';
  const french = { ...anna, mailLanguage: 'fr' as const };
  const fr = translatorFor('fr');
  const programme = programmeValues(fr);

  it('passes the partner’s words on verbatim, with the Tandem lines around them in French', () => {
    // Act
    const mail = relayOf({ recipient: french, text: words });

    // Assess
    expect(mail.html).toMatch(/^<!doctype html><html lang="fr"/);
    expect(mail.text).toContain(`\n${words}\n`);
    expect(mail.html).toContain(textToHtml(words));
    expect(mail.text).toContain(fr.text('relay.wrote', { senderName: ben.name }));
    expect(mail.text).toContain(fr.text('relay.reply', { ...programme, senderName: ben.name }));
    expect(mail.html).toContain(fr.html('relay.reply', { ...programme, senderName: ben.name }));
    expect(mail.from).toBe(
      `"${fr.text('relay.fromName', { ...programme, senderName: ben.name })}" <rounds@tandem.example>`,
    );
  });

  it('keeps the partner’s subject, and names the writer in French when there is none', () => {
    expect(relayOf({ recipient: french, subject: 'Re: Jeudi ?' }).subject).toBe('Re: Jeudi ?');
    expect(relayOf({ recipient: french, subject: '' }).subject).toBe(
      fr.text('relay.defaultSubject', { senderName: ben.name }),
    );
  });

  it('notes the attachments left out in French, after the partner’s words', () => {
    // Act
    const mail = relayOf({
      recipient: french,
      text: words,
      attachments: [attachment('video.mp4', RELAY_ATTACHMENT_LIMIT_BYTES + 1)],
    });

    // Assess
    expect(mail.text).toContain(
      `${words}\n\n${fr.text('relay.notPassedOn', { ...programme, limitMb: 10, names: 'video.mp4' })}`,
    );
  });

  it('follows the recipient, not the writer: a French writer’s reply reaches an English partner in English', () => {
    // Act
    const mail = relayOf({ sender: { ...ben, mailLanguage: 'fr' } });

    // Assess
    expect(mail.html).toMatch(/^<!doctype html><html lang="en"/);
    expect(mail.text).toContain('Reply to this email to answer Ben Beispiel.');
  });
});

describe('textToHtml', () => {
  it('turns blank lines into paragraphs and single line breaks into <br />', () => {
    expect(textToHtml('Hi Anna,\n\nThursday works.\nBen')).toBe(
      '<p>Hi Anna,</p><p>Thursday works.<br />Ben</p>',
    );
  });
});

describe('composeCommandAck', () => {
  it('acknowledges the command to the member, as an automatic mail they can answer through their relay', () => {
    // Act
    const mail = composeCommandAck(round, ben, 'STOP', 'changed', settings);

    // Assess
    expect(mail.to).toEqual([ben.email]);
    expect(mail.from).toBe('"Tandem" <rounds@tandem.example>');
    expect(mail.subject).toContain('STOP');
    expect(mail.text).toContain('you are unsubscribed and will get no more mail from this round');
    expect(mail.headers).toContainEqual({ name: 'Auto-Submitted', value: 'auto-generated' });
    expect(verifyRelayAddress(mail.replyTo[0] ?? '', testKeys)).toEqual({
      roundId: round.id,
      participantId: ben.id,
    });
  });
});

describe('composeCommandAck wording', () => {
  it("says until when, in the member's own time zone, a PAUSE holds", () => {
    // Prepare: 12:00 UTC on 31 March is already 1 April in Auckland.
    const paused = { ...ben, status: 'paused' as const };

    // Act
    const mail = composeCommandAck(
      round,
      paused,
      { command: 'PAUSE', pausedUntil: '2025-03-31T12:00:00.000Z' },
      'changed',
      settings,
    );

    // Assess
    expect(mail.subject).toBe('Tandem: we received your PAUSE request');
    expect(mail.text).toMatch(
      /your mail from this round is paused until Tuesday,? 1 April 2025; reply RESUME/,
    );
    expect(mail.html).toContain('1 April 2025');
  });

  it('says a PAUSE found the mail paused already', () => {
    // Act
    const mail = composeCommandAck(
      round,
      { ...ben, status: 'paused' },
      { command: 'PAUSE', pausedUntil: '2025-03-31T12:00:00.000Z' },
      'unchanged',
      settings,
    );

    // Assess
    expect(mail.text).toContain('your mail from this round was already paused until');
  });

  it('says why nothing changed when the member state refused the command', () => {
    // Act
    const resume = composeCommandAck(
      round,
      { ...ben, status: 'unsubscribed' },
      'RESUME',
      'refused',
      settings,
    );
    const quiet = composeCommandAck(round, ben, 'QUIET', 'refused', settings);

    // Assess
    expect(resume.text).toContain('nothing changed, as you are unsubscribed in this round.');
    expect(quiet.text).toContain('nothing changed, as you have no partner in this round right now.');
  });

  it('acknowledges a check-in answer with the answer noted, and how to change it', () => {
    // Act
    const mid = composeCommandAck(round, ben, { checkin: 1, answer: 'not-yet' }, 'changed', settings);
    const final = composeCommandAck(round, ben, { checkin: 2, answer: 'yes' }, 'changed', settings);

    // Assess
    expect(mid.subject).toBe('Tandem: we received your check-in answer');
    expect(mid.text).toContain(
      'We received your check-in answer: thanks — we noted your answer to the check-in: not yet, you have not been in touch with your partner yet.',
    );
    expect(mid.text).toContain('Reply with 1, 2 or 3 again: the latest answer counts.');
    expect(final.text).toContain('your answer to the final check-in: yes, you have been in touch');
    expect(mid.tags).toEqual({ kind: 'command-ack', round: round.id, participant: ben.id });
  });

  it('says a late check-in answer was not noted', () => {
    // Act
    const mail = composeCommandAck(round, ben, { checkin: 2, answer: 'yes' }, 'refused', settings);

    // Assess
    expect(mail.text).toContain('this check-in is closed, so nothing was noted.');
  });

  it('escapes the member name in the HTML', () => {
    // Act
    const mail = composeCommandAck(round, { ...ben, name: '<b>Ben</b>' }, 'STOP', 'changed', settings);

    // Assess
    expect(mail.html).not.toContain('<b>Ben');
    expect(mail.html).toContain('&lt;b&gt;Ben');
  });
});

describe('composeCommandAck in the member’s mail language', () => {
  const spanish = { ...ben, mailLanguage: 'es' as const };
  const es = translatorFor('es');
  const programme = programmeValues(es);

  it('acknowledges a check-in answer in Spanish', () => {
    // Act
    const mail = composeCommandAck(round, spanish, { checkin: 1, answer: 'not-yet' }, 'changed', settings);

    // Assess
    expect(mail.html).toMatch(/^<!doctype html><html lang="es"/);
    expect(mail.subject).toBe(es.text('command-ack.subject', { ...programme, kind: 'checkin', command: '' }));
    expect(mail.text).toContain(
      es.text('command-ack.checkinNoted', { ...programme, final: 'no', answer: 'notYet' }),
    );
    expect(mail.text).toContain(es.text('common.hello', { recipientName: ben.name }));
  });

  it('says until when a PAUSE holds as a Spanish reader writes the date', () => {
    // Act
    const mail = composeCommandAck(
      round,
      { ...spanish, status: 'paused' },
      { command: 'PAUSE', pausedUntil: '2025-03-31T12:00:00.000Z' },
      'changed',
      settings,
    );

    // Assess
    expect(mail.text).toContain('martes, 1 de abril de 2025');
    expect(mail.text).toContain(
      es.text('command-ack.paused', {
        ...programme,
        hasEnd: 'yes',
        pausedUntil: es.date('2025-03-31T12:00:00.000Z', 'Pacific/Auckland'),
      }),
    );
  });
});

describe('composeUndeliverable', () => {
  it('answers the sender automatically, with the reason and no address to reply to', () => {
    // Act
    const mail = composeUndeliverable('mallory@example.com', 'Hello', 'sender-mismatch', settings);

    // Assess
    expect(mail.to).toEqual(['mallory@example.com']);
    expect(mail.replyTo).toEqual([]);
    // Auto-responders must not answer it (RFC 3834): any Auto-Submitted value but "no".
    expect(mail.headers.find((h) => h.name === 'Auto-Submitted')?.value).toMatch(/^auto-/);
    expect(mail.text).toContain('only accepts mail from the participant it belongs to');
  });

  it('answers in the sender’s mail language when it is known, and in English otherwise', () => {
    // Act
    const spanish = composeUndeliverable('ben@example.org', 'Hola', 'round-closed', settings, 'es');
    const unknown = composeUndeliverable('ben@example.org', '', 'unknown-address', settings);

    // Assess
    const es = translatorFor('es');
    expect(spanish.html).toMatch(/^<!doctype html><html lang="es"/);
    expect(spanish.text).toContain(
      es.text('undeliverable.notDelivered', {
        ...programmeValues(es),
        subject: 'Hola',
        reason: 'roundClosed',
      }),
    );
    expect(unknown.html).toMatch(/^<!doctype html><html lang="en"/);
    expect(unknown.text).toContain(
      'Your message "(no subject)" was not delivered: this address does not belong to anyone in Tandem.',
    );
  });

  it('escapes a hostile subject in the HTML', () => {
    // Act
    const mail = composeUndeliverable('mallory@example.com', '<script>x</script>', 'empty', settings);

    // Assess
    expect(mail.html).not.toContain('<script>x');
  });
});
