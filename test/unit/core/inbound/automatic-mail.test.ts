import { describe, expect, it } from 'vitest';
import { classifyMail, type Envelope } from '#core/inbound/classify-mail';
import type { InboundAttachment, ParsedMail } from '#core/inbound/parse-mail';

const ours = { replyDomain: 'reply.tandem.localhost', mailFrom: 'rounds@tandem.localhost' };
const RELAY = 'r-spring-2027.pabcdefghijkl.1abcdefghijklmnop@reply.tandem.localhost';
const envelope = (mailFrom = 'ben@example.net'): Envelope => ({ mailFrom, recipients: [RELAY] });

const mail = (overrides: Partial<ParsedMail> = {}, headers: Record<string, string> = {}): ParsedMail => ({
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

const part = (contentType: string): InboundAttachment => ({
  filename: '',
  contentType,
  size: 10,
  content: new Uint8Array(10),
  inline: false,
});

describe('automatic mail without RFC 3834 headers', () => {
  it.each([
    'Out of Office AutoReply: Your Tandem partner',
    'Automatische Antwort: Your Tandem partner',
    'Réponse automatique : Your Tandem partner',
    'Respuesta automática: Your Tandem partner',
    'Resposta automática: Your Tandem partner',
    'Risposta automatica: Your Tandem partner',
    'Automatisch antwoord: Your Tandem partner',
    'Automatiskt svar: Your Tandem partner',
    'Automatisk svar: Your Tandem partner',
    'Automaattinen vastaus: Your Tandem partner',
    'Automatyczna odpowiedź: Your Tandem partner',
    'Automatická odpověď: Your Tandem partner',
    'Автоматический ответ: Your Tandem partner',
    'Автоматична відповідь: Your Tandem partner',
    'Otomatik yanıt: Your Tandem partner',
    '自動応答: Your Tandem partner',
    '自动回复: Your Tandem partner',
    '자동 회신: Your Tandem partner',
    'Trả lời tự động: Your Tandem partner',
    'Balasan otomatis: Your Tandem partner',
    'رد تلقائي: Your Tandem partner',
    'תשובה אוטומטית: Your Tandem partner',
    '[EXTERNAL] Automatic reply: Your Tandem partner',
    '【不在】Your Tandem partner',
  ])('records "%s" from the participant\'s own address as an out-of-office reply', (subject) => {
    expect(classifyMail(mail({ subject }), envelope(), ours)).toEqual({
      kind: 'auto-reply',
      reason: 'out-of-office subject',
    });
  });

  it.each([
    'Re: Absent-minded question about our call',
    'Re: Your Tandem partner (automatic reply ideas)',
    'Urlaubsplanung und Mentoring',
  ])('relays "%s": the words are not an auto-responder\'s prefix', (subject) => {
    expect(classifyMail(mail({ subject }), envelope(), ours).kind).toBe('reply');
  });

  it('records X-Auto-Response-Suppress with an auto-reply phrase anywhere in the subject', () => {
    const automatic = mail(
      { subject: 'RE: Your Tandem partner [Auto-Reply]' },
      { 'x-auto-response-suppress': 'All' },
    );

    expect(classifyMail(automatic, envelope(), ours)).toEqual({
      kind: 'auto-reply',
      reason: 'x-auto-response-suppress with auto-reply subject',
    });
  });

  it('relays the same subject phrase without X-Auto-Response-Suppress', () => {
    expect(
      classifyMail(mail({ subject: 'RE: Your Tandem partner [Auto-Reply]' }), envelope(), ours).kind,
    ).toBe('reply');
  });

  it.each([
    [{ from: { address: 'notification@boxbe.com', name: 'Boxbe' } }, {}, 'boxbe'],
    [{ from: { address: 'verify@mail.spamarrest.com', name: '' } }, {}, 'spam arrest'],
    [{}, { 'x-delivery-agent': 'TMDA/1.1.12 (Macallan)' }, 'tmda'],
    [{ subject: 'AntiSpam UOL: confirme o envio da sua mensagem' }, {}, 'verification request'],
    [{ subject: 'Please verify your email address to deliver your message' }, {}, 'verification request'],
  ] as const)('records a challenge-response mail (%o %o) as automatic', (overrides, headers, system) => {
    expect(classifyMail(mail(overrides, headers), envelope(), ours)).toEqual({
      kind: 'auto-reply',
      reason: `challenge-response: ${system}`,
    });
  });

  it('records mail whose From is "MAILER-DAEMON <>" (no address once parsed) as automatic', () => {
    const { from: _, ...rest } = mail({}, { from: 'MAILER-DAEMON <>' });

    expect(classifyMail(rest, envelope('mailer-daemon@mx.example.net'), ours)).toEqual({
      kind: 'auto-reply',
      reason: 'from: <>',
    });
  });

  it('records an ARF feedback report sent as multipart/mixed', () => {
    const report = mail({
      contentType: 'multipart/mixed; boundary="x"',
      attachments: [part('message/feedback-report'), part('message/rfc822')],
    });

    expect(classifyMail(report, envelope('fbl@isp.example'), ours)).toEqual({
      kind: 'auto-reply',
      reason: 'report: feedback-report',
    });
  });

  it('records a plain-text Postfix bounce from MAILER-DAEMON as a bounce with its recipient', () => {
    const bounce = mail({
      from: { address: 'mailer-daemon@mx.example.net', name: 'Mail Delivery System' },
      subject: 'Undelivered Mail Returned to Sender',
      text: [
        'This is the mail system at host mx.example.net.',
        '',
        '<ben.old@example.net>: host mail.example.net[198.51.100.7] said: 550 5.1.1 User unknown',
      ].join('\n'),
    });

    expect(classifyMail(bounce, envelope(''), ours)).toEqual({
      kind: 'bounce',
      recipients: ['ben.old@example.net'],
      permanent: true,
      reason: 'plain-text bounce from postfix: 5.1.1',
    });
  });

  it('relays a participant who pastes a bounce into a reply to the partner', () => {
    const text =
      'My old address bounced:\n\nThis is the mail system at host mx.example.net.\n<ben.old@example.net>: 550 5.1.1';

    expect(classifyMail(mail({ text }), envelope(), ours)).toEqual({ kind: 'reply', text });
  });
});
