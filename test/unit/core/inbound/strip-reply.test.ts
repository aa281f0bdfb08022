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
    ['a Polish Thunderbird attribution', `W dniu 9.03.2027 o 10:02, Anna <${RELAY}> pisze:`],
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

  it('keeps every line of a long reply whose lines start like attributions but never end like one', () => {
    // Prepare: 20,000 such lines (bench:inbound holds the time this takes, against its goal)
    const text = Array.from(
      { length: 20_000 },
      (_, i) => `On day ${i} we met and ${'talked '.repeat(20)}`,
    ).join('\n');

    // Act
    const reply = visibleReply(text);

    // Assess: only the trailing spaces go
    expect(reply).toBe(text.replaceAll(/ +$/gm, ''));
  });
});

describe('visibleReply in the languages participants write in', () => {
  it.each([
    ['sv', `Den tis 9 mars 2027 kl 10:02 skrev Anna <${RELAY}>:`],
    ['nb', `tir. 9. mar. 2027 kl. 10:02 skrev Anna <${RELAY}>:`],
    ['da', `Den tir. 9. mar. 2027 kl. 10.02 skrev Anna <${RELAY}>:`],
    ['nl (Apple Mail)', `Op 9 mrt. 2027 om 10:02 heeft Anna <${RELAY}> het volgende geschreven:`],
    ['fi', `ti 9. maalisk. 2027 klo 10.02 Anna (<${RELAY}>) kirjoitti:`],
    ['pl (Gmail)', `wt., 9 mar 2027 o 10:02 Anna <${RELAY}> napisał(a):`],
    ['cs', `út 9. 3. 2027 v 10:02 odesílatel Anna <${RELAY}> napsal:`],
    ['ru (Gmail, no verb)', `вт, 9 мар. 2027 г. в 10:02, Anna <${RELAY}>:`],
    ['ru (Gmail, older)', `9 марта 2027 г., 10:02 пользователь Anna <${RELAY}> написал:`],
    ['ru (mail.ru)', `Вторник, 9 марта 2027, 10:02 +03:00 от Anna <${RELAY}>:`],
    ['ru (Yandex)', `09.03.2027, 10:02, "Anna" <${RELAY}>:`],
    ['uk', `вт, 9 бер. 2027 р. о 10:02 Anna <${RELAY}> пише:`],
    ['tr', `Anna <${RELAY}>, 9 Mar 2027 Sal, 10:02 tarihinde şunu yazdı:`],
    ['ja (Gmail)', `2027年3月9日(火) 10:02 Anna <${RELAY}>:`],
    ['zh (Gmail)', `Anna <${RELAY}> 于2027年3月9日周二 10:02写道：`],
    ['ko', `2027년 3월 9일 (화) 오전 10:02, Anna <${RELAY}>님이 작성:`],
    ['vi', `Vào Th 3, 9 thg 3, 2027 vào lúc 10:02 Anna <${RELAY}> đã viết:`],
    ['id', `Pada tanggal Sel, 9 Mar 2027 pukul 10.02 Anna <${RELAY}> menulis:`],
    ['ar', `في الثلاثاء، 9 مارس 2027 في 10:02 ص، كتب Anna <${RELAY}>:`],
    [
      'he (with direction marks)',
      `\u202bבתאריך יום ג׳, 9 במרץ 2027 ב-10:02 מאת \u202aAnna\u202c\u200f <\u202a${RELAY}\u202c\u200f>:\u202c`,
    ],
  ])('drops the quote under a %s attribution', (_, attribution) => {
    expect(visibleReply(lines('Thursday works.', '', attribution, '> Would Thursday work?'))).toBe(
      'Thursday works.',
    );
  });

  it.each([
    ['ru', ['От: Anna <a@example.org>', 'Отправлено: 9 марта 2027 г. 10:02', 'Кому: Ben', 'Тема: Привет']],
    ['ja', ['差出人: Anna <a@example.org>', '送信日時: 2027年3月9日 10:02', '宛先: Ben', '件名: こんにちは']],
    [
      'ko',
      [
        '보낸 사람: Anna <a@example.org>',
        '보낸 날짜: 2027년 3월 9일 화요일 오전 10:02',
        '받는 사람: Ben',
        '제목: 안녕',
      ],
    ],
    [
      'ar',
      [
        'من: Anna <a@example.org>',
        'تم الإرسال: الثلاثاء، 9 مارس، 2027 10:02 ص',
        'إلى: Ben',
        'الموضوع: مرحبا',
      ],
    ],
    [
      "fr, with Gmail's bold labels",
      ['*De :* Anna <a@example.org>', '*Envoyé :* mardi 9 mars 2027 10:02', '*À :* Ben', '*Objet :* Bonjour'],
    ],
    [
      'en, Lotus tab-separated',
      ['From:\tAnna <a@example.org>', 'To:\tBen', 'Date:\t09/03/2027 10:02', 'Subject:\tHello'],
    ],
  ])('cuts at a %s header block and the unquoted original under it', (_, block) => {
    expect(visibleReply(lines('My answer.', '', ...block, '', 'The original text.'))).toBe('My answer.');
  });

  it.each([
    '-----Oprindelig meddelelse-----',
    '-------- Исходное сообщение --------',
    '------------------ 原始邮件 ------------------',
    '-----Reply Message-----',
    '---- John Smith wrote ----',
    `-----"Anna" <${RELAY}> wrote: -----`,
    `---- On Tue, 09 Mar 2027 10:02:11 +0100 Anna<${RELAY}> wrote ----`,
    'Anfang der weitergeleiteten Nachricht:',
  ])('cuts at the separator "%s"', (separator) => {
    expect(visibleReply(lines('My answer.', '', separator, 'The original text.'))).toBe('My answer.');
  });

  it('cuts at an Outlook underscore rule above labels in a language it does not know', () => {
    const text = lines(
      'My answer.',
      '________________________________',
      'Frá: Anna',
      'Sent: 9. mars',
      '',
      'Original',
    );

    expect(visibleReply(text)).toBe('My answer.');
  });
});

describe("visibleReply never loses the author's text", () => {
  it('keeps the author line written right above an attribution, with no blank line between', () => {
    const text = lines('See you Thursday!', `On Tue, Mar 9, 2027 at 10:02 AM Anna <${RELAY}> wrote:`, '> Hi');

    expect(visibleReply(text)).toBe('See you Thursday!');
  });

  it('keeps an author line starting with "On" right above an attribution', () => {
    const text = lines(
      'On second thought, Friday suits me better.',
      `On Tue, 9 Mar 2027, Anna <${RELAY}> wrote:`,
      '> Hi',
    );

    expect(visibleReply(text)).toBe('On second thought, Friday suits me better.');
  });

  it('keeps the reply written on the same line as the attribution', () => {
    const text = lines(`Sounds good! On Tue, Mar 9, 2027 at 10:02 AM Anna <${RELAY}> wrote:`, '', '> Hi');

    expect(visibleReply(text)).toBe('Sounds good!');
  });

  it("joins an attribution wrapped over three lines without taking the author's line above it", () => {
    const text = lines(
      'Yes, Thursday.',
      'On Tuesday, March 9, 2027, 10:02:11 AM GMT+1, Anna via',
      `Tandem <${RELAY}>`,
      'wrote:',
      '> Hi',
    );

    expect(visibleReply(text)).toBe('Yes, Thursday.');
  });

  it('strips "<address>wrote:" written without a space', () => {
    expect(visibleReply(lines('Yes.', '', `Anna<${RELAY}>wrote:`, '> Hi'))).toBe('Yes.');
  });

  it('drops a client footer only at the end of the reply', () => {
    const text = lines(
      'Sent from my hotel in Lisbon, so I may be slow.',
      'See you Thursday.',
      '',
      'Sent from my iPhone',
    );

    expect(visibleReply(text)).toBe('Sent from my hotel in Lisbon, so I may be slow.\nSee you Thursday.');
  });

  it('keeps a last line that merely contains "sent from my"', () => {
    const text = lines('Thanks!', 'I read the article you sent from my phone.');

    expect(visibleReply(text)).toBe(text);
  });

  it('keeps "From:" and "To:" lines that form no header block', () => {
    const text = lines('My trip:', 'From: Paris', 'To: Lisbon', 'Back on Friday.');

    expect(visibleReply(text)).toBe(text);
  });

  it('keeps a line of underscores the author drew', () => {
    const text = lines('Agenda:', '______________________________', '', '1. Goals');

    expect(visibleReply(text)).toBe(text);
  });

  it('keeps a dated "… wrote:" line that introduces the author\'s own unquoted prose', () => {
    const text = lines('As my manager wrote on 9 March 2027:', 'ship it on Friday.');

    expect(visibleReply(text)).toBe(text);
  });
});

describe('visibleReply on hostile input', () => {
  // Inputs built to find a super-linear path; bench:inbound times each of them against its 50 ms goal.
  const LIMIT = 64 * 1024;
  it.each([
    ['one 64 KiB line of ">" after a letter', `a${'>'.repeat(LIMIT - 1)}`],
    ['64 KiB of "On x "', 'On x '.repeat(LIMIT / 5)],
    ['header labels that never form a block', 'From: x\nTo: y\n'.repeat(LIMIT / 14)],
  ])('keeps %s whole: nothing in it marks a quote', (_, text) => {
    // Act
    const reply = visibleReply(text);

    // Assess
    expect(reply).toBe(text.trim());
  });

  it('ends the reply at the first of many attribution-like lines ending in "wrote:"', () => {
    // Prepare: each line carries a date and an address, and nothing unquoted follows
    const text = `On 9 Mar 2027 ${'x'.repeat(440)} <a@b.c> wrote:\n`.repeat(140);

    // Act
    const reply = visibleReply(text);

    // Assess
    expect(reply).toBe('');
  });
});
