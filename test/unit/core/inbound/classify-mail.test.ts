import { describe, expect, it } from 'vitest';
import { classifyMail, type Envelope } from '#core/inbound/classify-mail';
import type { ParsedMail } from '#core/inbound/parse-mail';

const ours = { replyDomain: 'reply.tandem.localhost', mailFrom: 'rounds@tandem.localhost' };
const RELAY = 'r-spring-2027.pabcdefghijkl.1abcdefghijklmnop@reply.tandem.localhost';
const envelope = (mailFrom = 'ben@example.net'): Envelope => ({ mailFrom, recipients: [RELAY] });

const reply = (overrides: Partial<ParsedMail> = {}, headers: Record<string, string> = {}): ParsedMail => ({
  references: [],
  from: { address: 'ben@example.net', name: 'Ben' },
  replyTo: [],
  to: [{ address: RELAY, name: '' }],
  cc: [],
  subject: 'Re: Your Tandem partner',
  headers: new Map(Object.entries(headers).map(([name, value]) => [name, [value]])),
  text: 'Thursday works.',
  attachments: [],
  deliveryStatus: [],
  contentType: 'text/plain; charset=utf-8',
  ...overrides,
});

describe('classifyMail', () => {
  it('relays an Exchange reply carrying only X-Auto-Response-Suppress', () => {
    const mail = reply({}, { 'x-auto-response-suppress': 'All' });

    expect(classifyMail(mail, envelope(), ours)).toEqual({ kind: 'reply', text: 'Thursday works.' });
  });

  it('rejects as a loop a mail whose envelope sender is our sending address', () => {
    expect(classifyMail(reply(), envelope('<Rounds@Tandem.localhost>'), ours)).toEqual({
      kind: 'rejected',
      reason: 'loop',
    });
  });

  it('ranks a loop above everything else, even a command', () => {
    const mail = reply({ from: { address: RELAY, name: '' }, text: 'STOP' });

    expect(classifyMail(mail, envelope(), ours)).toEqual({ kind: 'rejected', reason: 'loop' });
  });

  it('ranks a DSN as a bounce though its null return path also marks it automatic', () => {
    const mail = reply({
      from: { address: 'mailer-daemon@mx.example.net', name: '' },
      contentType: 'multipart/report; report-type="delivery-status"; boundary="x"',
      deliveryStatus: [{ finalRecipient: 'ben@example.net', action: 'delayed', status: '4.4.1' }],
    });

    expect(classifyMail(mail, envelope(''), ours)).toEqual({
      kind: 'bounce',
      recipients: ['ben@example.net'],
      permanent: false,
      reason: '4.4.1',
    });
  });

  it('treats DSN parts from a mailer-daemon as a bounce even without the report content type', () => {
    const mail = reply({
      contentType: 'multipart/mixed; boundary="x"',
      deliveryStatus: [{ finalRecipient: 'ben@example.net', action: 'failed', status: '5.2.2' }],
    });

    expect(classifyMail(mail, envelope('MAILER-DAEMON@mx.example.net'), ours)).toMatchObject({
      kind: 'bounce',
      permanent: true,
    });
  });

  it.each([
    [{ 'auto-submitted': 'auto-generated' }, 'auto-submitted: auto-generated'],
    [{ precedence: 'junk' }, 'precedence: junk'],
    [{ precedence: 'list' }, 'precedence: list'],
    [{ 'x-autorespond': 'yes' }, 'x-autorespond'],
  ])('classifies headers %o as an auto-reply', (headers, reason) => {
    expect(classifyMail(reply({}, headers), envelope(), ours)).toEqual({ kind: 'auto-reply', reason });
  });

  it('relays a mail marked Auto-Submitted: no', () => {
    expect(classifyMail(reply({}, { 'auto-submitted': 'no' }), envelope(), ours).kind).toBe('reply');
  });

  it.each([
    ['mailer-daemon@example.net', 'from: mailer-daemon'],
    ['postmaster@example.net', 'from: postmaster'],
    ['no-reply@example.net', 'from: no-reply'],
    ['noreply@example.net', 'from: noreply'],
  ])('classifies mail from %s as an auto-reply', (address, reason) => {
    const mail = reply({ from: { address, name: '' } });

    expect(classifyMail(mail, envelope(address), ours)).toEqual({ kind: 'auto-reply', reason });
  });

  it.each([
    'Out of Office: Re: Your Tandem partner',
    'Automatic reply: Your Tandem partner',
    'Auto: Your Tandem partner',
    'Abwesenheitsnotiz: Your Tandem partner',
    'Automatische Antwort: Your Tandem partner',
    'Absence du bureau',
    'Réponse automatique : Your Tandem partner',
    'Fuera de la oficina',
    'Respuesta automática: Your Tandem partner',
    'Afwezig: Your Tandem partner',
    'Ausência temporária',
    'Resposta automática: Your Tandem partner',
    '不在: Your Tandem partner',
    '自动回复: Your Tandem partner',
  ])('classifies the subject "%s" as an out-of-office reply', (subject) => {
    expect(classifyMail(reply({ subject }), envelope(), ours)).toEqual({
      kind: 'auto-reply',
      reason: 'out-of-office subject',
    });
  });

  it('classifies a read receipt (multipart/report of another type) as an auto-reply', () => {
    const mail = reply({
      contentType: 'multipart/report; report-type=disposition-notification; boundary="x"',
    });

    expect(classifyMail(mail, envelope(), ours)).toEqual({
      kind: 'auto-reply',
      reason: 'report: disposition-notification',
    });
  });

  it.each([
    ['STOP', { word: 'STOP' }],
    ['Unsubscribe!', { word: 'STOP' }],
    ['pause', { word: 'PAUSE' }],
    ['PAUSE 10d', { word: 'PAUSE', argument: '10d' }],
    ['Pause 2 weeks.', { word: 'PAUSE', argument: '2w' }],
    ['Resume.', { word: 'RESUME' }],
    ['  Quiet  \n\nThanks', { word: 'QUIET' }],
  ])('reads "%s" as a command', (text, command) => {
    expect(classifyMail(reply({ text }), envelope(), ours)).toEqual({ kind: 'command', command });
  });

  it.each(['Stop by my office on Thursday.', 'PAUSE for a moment and think.', 'Resume writing is hard.'])(
    'relays "%s" as prose, not a command',
    (text) => {
      expect(classifyMail(reply({ text }), envelope(), ours)).toEqual({ kind: 'reply', text });
    },
  );

  it.each([
    ['2', 'not-yet'],
    ['1.', 'yes'],
    ['3\n\nThanks for asking!', 'not-managed'],
  ] as const)('reads a reply of just "%s" as a check-in answer', (text, answer) => {
    expect(classifyMail(reply({ text }), envelope(), ours)).toEqual({ kind: 'checkin-answer', answer });
  });

  it('finds a check-in answer above the quoted check-in mail', () => {
    const text =
      '2\n\nOn Mon, 5 May 2025 at 09:00, Tandem <rounds@tandem.localhost> wrote:\n> Have you been in touch?';

    expect(classifyMail(reply({ text }), envelope(), ours)).toEqual({
      kind: 'checkin-answer',
      answer: 'not-yet',
    });
  });

  it.each(['2 weeks ago we spoke about cataloguing.', '1 - yes'])(
    'relays "%s" as prose, not a check-in answer',
    (text) => {
      expect(classifyMail(reply({ text }), envelope(), ours)).toEqual({ kind: 'reply', text });
    },
  );

  it('ranks an auto-reply above a check-in answer', () => {
    const mail = reply({ text: '1' }, { 'auto-submitted': 'auto-replied' });

    expect(classifyMail(mail, envelope(), ours).kind).toBe('auto-reply');
  });

  it('finds a command above the quoted history', () => {
    const text = 'resume\n\nOn Tue, 9 Mar 2027 at 10:02, Anna <a@example.org> wrote:\n> Welcome back';

    expect(classifyMail(reply({ text }), envelope(), ours)).toEqual({
      kind: 'command',
      command: { word: 'RESUME' },
    });
  });

  it('relays an attachment sent without any text', () => {
    const attachment = {
      filename: 'plan.pdf',
      contentType: 'application/pdf',
      size: 3,
      content: new Uint8Array([1, 2, 3]),
      inline: false,
    };

    expect(classifyMail(reply({ text: '', attachments: [attachment] }), envelope(), ours)).toEqual({
      kind: 'reply',
      text: '',
    });
  });

  it('rejects as empty a quote-only mail whose only attachment is an inline signature logo', () => {
    const logo = {
      filename: 'image001.png',
      contentType: 'image/png',
      size: 3,
      content: new Uint8Array([1, 2, 3]),
      contentId: 'image001.png@01DA',
      inline: true,
    };
    const text = '> Would Thursday work?';

    expect(classifyMail(reply({ text, attachments: [logo] }), envelope(), ours)).toEqual({
      kind: 'rejected',
      reason: 'empty',
    });
  });
});
