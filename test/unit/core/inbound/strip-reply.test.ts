import { describe, expect, it } from 'vitest';
import { visibleReply } from '#core/inbound/strip-reply';

const RELAY = 'r-spring-2027.pabcdefghijkl.1abcdefghijklmnop@reply.tandem.localhost';
const lines = (...text: string[]): string => text.join('\n');

describe('visibleReply', () => {
  it.each([
    ['a Gmail attribution', `On Tue, Mar 9, 2027 at 10:02 AM Anna <${RELAY}> wrote:`],
    [
      'a Gmail attribution wrapped over two lines',
      `On Tue, Mar 9, 2027 at 10:02 AM Anna via Tandem <\n${RELAY}> wrote:`,
    ],
    ['an Apple Mail attribution', `On 9 Mar 2027, at 10:02, Anna via Tandem <${RELAY}> wrote:`],
    ['a Thunderbird attribution', 'On 09/03/2027 10:02, Anna via Tandem wrote:'],
    ['a German attribution', `Am Di., 9. März 2027 um 10:02 Uhr schrieb Anna <${RELAY}>:`],
    ['a French attribution', `Le mar. 9 mars 2027 à 10:02, Anna <${RELAY}> a écrit :`],
    ['a Spanish attribution', `El mar, 9 mar 2027 a las 10:02, Anna (<${RELAY}>) escribió:`],
    ['a Dutch attribution', `Op di 9 mrt 2027 om 10:02 schreef Anna <${RELAY}>:`],
    ['a Portuguese attribution', `Em ter., 9 de mar. de 2027 às 10:02, Anna <${RELAY}> escreveu:`],
    ['an Italian attribution', `Il giorno mar 9 mar 2027 alle ore 10:02 Anna <${RELAY}> ha scritto:`],
    ['a Japanese Apple Mail attribution', `2027/03/09 10:02、Anna <${RELAY}>のメッセージ:`],
    ['a Japanese Thunderbird attribution', '2027/03/09 10:02 に Anna さんは書きました:'],
    ['a Chinese attribution', '在 2027年3月9日 10:02，Anna 写道：'],
    [
      'a Polish attribution only email-reply-parser knows',
      `W dniu 9.03.2027 o 10:02, Anna <${RELAY}> pisze:`,
    ],
  ])('drops the quote under %s', (_, attribution) => {
    const text = lines('Thursday works.', '', attribution, '> Would Thursday work?', '> Anna');

    expect(visibleReply(text)).toBe('Thursday works.');
  });

  it.each([
    ['English', 'On Tue, 9 Mar 2027 at 10:02, Anna <a@example.org> wrote:'],
    ['German', 'Am 09.03.2027 um 10:02 schrieb Anna <a@example.org>:'],
    ['French', 'Le 09/03/2027 à 10:02, Anna a écrit :'],
  ])('cuts at an %s attribution followed by an unquoted original', (_, attribution) => {
    const text = lines('Yes please.', '', attribution, '', 'Would Thursday work?', 'Anna');

    expect(visibleReply(text)).toBe('Yes please.');
  });

  it('cuts at an Outlook From/Sent header block', () => {
    const text = lines(
      'See you then.',
      '',
      `From: Anna via Tandem <${RELAY}>`,
      'Sent: Tuesday, March 9, 2027 10:02 AM',
      'To: Ben <ben@example.net>',
      'Subject: Hello',
      '',
      'Original text',
    );

    expect(visibleReply(text)).toBe('See you then.');
  });

  it('cuts at a German Outlook Von/Gesendet header block', () => {
    const text = lines(
      'Bis dann.',
      '',
      'Von: Anna <a@example.org>',
      'Gesendet: Dienstag, 9. März 2027 10:02',
      'An: Ben',
    );

    expect(visibleReply(text)).toBe('Bis dann.');
  });

  it('keeps a line that merely starts with "From:" when no date line follows', () => {
    const text = lines('From: my manager, a question for you.', 'How do you plan sprints?');

    expect(visibleReply(text)).toBe(text);
  });

  it.each([
    ['-----Original Message-----'],
    ['________________________________'],
    ['---------- Forwarded message ---------'],
    ['Begin forwarded message:'],
  ])('cuts at the separator %s', (separator) => {
    const text = lines('My answer.', '', separator, 'From: Anna', 'Old text');

    expect(visibleReply(text)).toBe('My answer.');
  });

  it.each([
    ['the "-- " delimiter', '-- '],
    ['a "--" delimiter whose space a client trimmed', '--'],
  ])('drops a signature after %s', (_, delimiter) => {
    const text = lines('Great, thanks!', '', delimiter, 'Ben Beispiel', 'Product designer');

    expect(visibleReply(text)).toBe('Great, thanks!');
  });

  it.each([
    'Sent from my iPhone',
    'Sent from my Galaxy',
    'Get Outlook for iOS<https://aka.ms/o0ukef>',
    'Von meinem iPhone gesendet',
    'Envoyé de mon iPhone',
    'Enviado desde mi iPhone',
    'Verstuurd vanaf mijn iPhone',
    'iPhoneから送信',
  ])('drops the mobile footer "%s"', (footer) => {
    expect(visibleReply(lines('On my way.', '', footer))).toBe('On my way.');
  });

  it('keeps answers written between inline quotes and drops the quoted lines', () => {
    const text = lines('On 09/03/2027 10:02, Anna wrote:', '> First?', 'One.', '', '> Second?', 'Two.');

    expect(visibleReply(text)).toBe('One.\n\nTwo.');
  });

  it('keeps a bottom-posted answer below the quote', () => {
    const text = lines('Anna <a@example.org> wrote:', '> Thursday?', '', 'Thursday is fine.');

    expect(visibleReply(text)).toBe('Thursday is fine.');
  });

  it('keeps a line ending in "wrote:" that introduces unquoted prose of the author', () => {
    const text = lines('Here is what my manager wrote:', 'Ship it on Friday.');

    expect(visibleReply(text)).toBe(text);
  });

  it('keeps sign-offs that email-reply-parser would take for a signature', () => {
    const text = lines('Works for me.', '', 'Cheers,', 'Ben');

    expect(visibleReply(text)).toBe(text);
  });

  it('is empty when the mail is only a quote', () => {
    expect(visibleReply(lines('', 'On Tue, 9 Mar 2027, Anna <a@example.org> wrote:', '> Hi'))).toBe('');
  });

  it('normalises CRLF, trims trailing spaces and collapses blank-line runs', () => {
    expect(visibleReply('\r\n\r\nHi  \r\n\r\n\r\n\r\nthere\r\n\r\n')).toBe('Hi\n\nthere');
  });

  it('strips a long reply in linear time', () => {
    // Prepare: lines that start like attributions but never end like one
    const text = Array.from(
      { length: 20_000 },
      (_, i) => `On day ${i} we met and ${'talked '.repeat(20)}`,
    ).join('\n');

    // Act
    const started = performance.now();
    visibleReply(text);

    // Assess
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
