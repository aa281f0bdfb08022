import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { translatorFor } from '#core/i18n';
import { commandIn } from '#core/inbound/commands';
import { MAIL_LANGUAGES } from '#core/languages';
import {
  acceptedMailLanguage,
  CHECKIN_QUESTION,
  checkinAction,
  checkinAnswerText,
  checkinAnswerWords,
  checkinOf,
  checkinQuestionText,
  confirmationPage,
  donePage,
  invalidLinkPage,
  LINK_PAGE_HEADERS,
} from '#core/link-pages';
import { LinkAction } from '#core/link-token';
import { PAUSE_DEFAULT_DAYS } from '#core/schedule';

const hostile = `<script>alert("x")</script>&'`;
const en = translatorFor('en');

const expectPlainPage = (html: string) => {
  expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
  expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  expect(html).toContain('<meta charset="utf-8">');
  // Nothing is fetched from anywhere: no scripts, images, stylesheets or fonts.
  expect(html).not.toMatch(/<script|<img|<link|<iframe|url\(|@import|https?:/i);
};

describe('link pages', () => {
  it('asks for confirmation with a POST form back to the link', () => {
    const html = confirmationPage({
      t: en,
      action: 'unsubscribe',
      round: 'spring-2025',
      formAction: '/l/abc.def',
    });

    expectPlainPage(html);
    expect(html).toContain(
      '<form method="post" action="/l/abc.def"><button type="submit">Unsubscribe</button>',
    );
    expect(html).toContain('spring-2025');
  });

  it('has a confirmation for pause and resume too', () => {
    expect(confirmationPage({ t: en, action: 'pause', round: 'r', formAction: '/l/x' })).toContain(
      'Pause my mail',
    );
    expect(confirmationPage({ t: en, action: 'resume', round: 'r', formAction: '/l/x' })).toContain(
      'Resume my mail',
    );
  });

  it.each(LinkAction.options)('asks for confirmation with a POST form for %s', (action) => {
    const html = confirmationPage({ t: en, action, round: 'spring-2025', formAction: '/l/x' });

    expectPlainPage(html);
    expect(html).toContain('<form method="post" action="/l/x"><button type="submit">');
    expect(html).toContain('spring-2025');
  });

  it('asks whether the partner has gone quiet, and thanks for telling us', () => {
    const asked = confirmationPage({ t: en, action: 'quiet', round: 'r', formAction: '/l/x' });
    const done = donePage({ t: en, action: 'quiet', round: 'r', outcome: 'changed' });
    const again = donePage({ t: en, action: 'quiet', round: 'r', outcome: 'unchanged' });

    expect(asked).toContain('My partner has gone quiet</button>');
    expect(done).toContain('Thanks for telling us');
    expect(done).toContain('we will follow up');
    expect(again).toBe(done);
  });

  it('says there is no partner to flag when quiet was refused', () => {
    const html = donePage({ t: en, action: 'quiet', round: 'r', outcome: 'refused' });

    expect(html).toContain('Nothing changed');
    expect(html).toContain('You have no partner in the round “r”');
  });

  it('shows the check-in question and the answer the link gives before it is sent', () => {
    const html = confirmationPage({ t: en, action: 'checkin1-not-managed', round: 'r', formAction: '/l/x' });

    expect(html).toContain('Have you been in touch with your partner in the last two weeks?');
    expect(html).toContain('Your answer: you have not managed to get in touch with your partner.');
    expect(html).toContain('Send my answer</button>');
  });

  it.each([
    ['checkin1-yes', 'Thanks — we noted: yes, you have been in touch with your partner.'],
    ['checkin1-not-yet', 'Thanks — we noted: not yet, you have not been in touch with your partner yet.'],
    ['checkin2-not-managed', 'Thanks — we noted: you have not managed to get in touch with your partner.'],
  ] as const)('thanks for the answer %s', (action, words) => {
    const html = donePage({ t: en, action, round: 'r', outcome: 'changed' });

    expectPlainPage(html);
    expect(html).toContain(words);
  });

  it('says the check-in is closed when an answer came too late', () => {
    const html = donePage({ t: en, action: 'checkin2-yes', round: 'r', outcome: 'refused' });

    expect(html).toContain('Nothing changed');
    expect(html).toContain('is closed');
  });

  it('says for how long a pause lasts', () => {
    expect(confirmationPage({ t: en, action: 'pause', round: 'r', formAction: '/l/x' })).toContain(
      'stops for 14 days',
    );
    expect(donePage({ t: en, action: 'pause', round: 'r', outcome: 'changed' })).toContain(
      'paused for 14 days',
    );
  });

  it.each(MAIL_LANGUAGES)('tells a member who paused (%s) a reply word that resumes their mail', (lang) => {
    // Act
    const html = donePage({ t: translatorFor(lang), action: 'pause', round: 'r', outcome: 'changed' });

    // Assess: the word in capitals the page asks for is one a reply may carry to resume
    const words = [...html.matchAll(/\b[A-ZÀ-Ý]{4,}\b/g)].map(([word]) => word);
    expect(words.map((word) => commandIn(word)?.word)).toContain('RESUME');
  });

  it('escapes hostile values in every page', () => {
    const pages = [
      confirmationPage({ t: en, action: 'unsubscribe', round: hostile, formAction: `/l/"><script>` }),
      donePage({ t: en, action: 'pause', round: hostile, outcome: 'changed' }),
      donePage({ t: en, action: 'resume', round: hostile, outcome: 'refused' }),
      confirmationPage({ t: en, action: 'checkin1-yes', round: hostile, formAction: '/l/x' }),
      donePage({ t: en, action: 'quiet', round: hostile, outcome: 'refused' }),
    ];

    for (const html of pages) {
      expect(html).not.toContain('<script');
      expect(html).not.toContain(`"x"`);
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    }
    expect(pages[0]).toContain('action="/l/&quot;&gt;&lt;script&gt;"');
  });

  it('says the same after a repeated click as after the first', () => {
    const first = donePage({ t: en, action: 'unsubscribe', round: 'spring-2025', outcome: 'changed' });
    const again = donePage({ t: en, action: 'unsubscribe', round: 'spring-2025', outcome: 'unchanged' });

    expectPlainPage(first);
    expect(again).toBe(first);
    expect(first).toContain('You are unsubscribed');
  });

  it('says nothing changed when the member state refused the action', () => {
    const html = donePage({ t: en, action: 'resume', round: 'spring-2025', outcome: 'refused' });

    expect(html).toContain('Nothing changed');
  });

  it('has one invalid-link page that names no reason', () => {
    const html = invalidLinkPage(en);

    expectPlainPage(html);
    expect(html).toBe(invalidLinkPage(en));
    expect(html).not.toMatch(/expired|forged|signature|key/i);
    expect(html).not.toContain('<form');
  });
});

describe('link pages in the member’s language', () => {
  // The texts Spanish gives (English, key by key, until the Spanish catalogue has them).
  const es = translatorFor('es');

  it('writes the confirmation page in Spanish, with the round and the pause’s days in it', () => {
    // Act
    const html = confirmationPage({ t: es, action: 'pause', round: 'Primavera 2025', formAction: '/l/x' });

    // Assess
    expect(html).toMatch(/^<!doctype html>\n<html lang="es">/);
    expect(html).toContain(`<h1>${es.text('link-pages.pauseAsk')}</h1>`);
    expect(html).toContain(
      `<p>${es.html('link-pages.pauseExplain', { round: 'Primavera 2025', days: PAUSE_DEFAULT_DAYS })}</p>`,
    );
    expect(html).toContain(`<button type="submit">${es.text('common.pauseLink')}</button>`);
    expect(html).toContain('Primavera 2025');
  });

  it('writes the done, refused and check-in pages in Spanish', () => {
    // Act
    const done = donePage({ t: es, action: 'unsubscribe', round: 'r', outcome: 'changed' });
    const refused = donePage({ t: es, action: 'quiet', round: 'r', outcome: 'refused' });
    const checkin = donePage({ t: es, action: 'checkin2-not-yet', round: 'r', outcome: 'changed' });

    // Assess
    for (const html of [done, refused, checkin]) expect(html).toMatch(/^<!doctype html>\n<html lang="es">/);
    expect(done).toContain(`<h1>${es.text('link-pages.done')}</h1>`);
    expect(done).toContain(es.html('link-pages.unsubscribeDone', { round: 'r' }));
    expect(refused).toContain(`<h1>${es.text('link-pages.nothingChanged')}</h1>`);
    expect(refused).toContain(es.html('link-pages.quietRefused', { round: 'r' }));
    expect(checkin).toContain(es.html('link-pages.checkinDone', { answer: 'notYet' }));
  });

  it('writes the invalid-link page in the language it is given, naming the programme', () => {
    // Act
    const html = invalidLinkPage(es);

    // Assess
    expect(html).toMatch(/^<!doctype html>\n<html lang="es">/);
    expect(html).toContain(`<h1>${es.text('link-pages.invalidTitle')}</h1>`);
    expect(html).toContain(es.html('link-pages.invalidHelp', { programme: es.text('programme.name') }));
    expect(invalidLinkPage(en)).toContain('your most recent Tandem mail');
  });

  it('keeps HTML in a round’s name escaped in every language', () => {
    // Prepare
    const round = 'Spring <b>2025</b> & “more”';

    // Act
    const pages = [
      confirmationPage({ t: es, action: 'quiet', round, formAction: '/l/x' }),
      donePage({ t: es, action: 'checkin1-yes', round, outcome: 'refused' }),
      donePage({ t: en, action: 'pause', round, outcome: 'changed' }),
    ];

    // Assess
    for (const html of pages) {
      expect(html).not.toContain('<b>');
      expect(html).toContain('Spring &lt;b&gt;2025&lt;/b&gt; &amp; “more”');
    }
  });
});

describe('check-in texts for the acknowledgement by mail', () => {
  it('says the question and each answer in the member’s language', () => {
    // Act
    const answers = (['yes', 'not-yet', 'not-managed'] as const).map((answer) =>
      checkinAnswerText(en, answer),
    );

    // Assess
    expect(checkinQuestionText(en)).toBe('Have you been in touch with your partner in the last two weeks?');
    expect(answers).toEqual([
      'yes, you have been in touch with your partner',
      'not yet, you have not been in touch with your partner yet',
      'you have not managed to get in touch with your partner',
    ]);
    expect(checkinAnswerText(translatorFor('es'), 'not-yet')).toBe(
      translatorFor('es').text('link-pages.checkinAnswer', { answer: 'notYet' }),
    );
  });

  it('keeps the English constants until the acknowledgement is translated', () => {
    expect(CHECKIN_QUESTION).toBe(checkinQuestionText(en));
    expect(checkinAnswerWords['not-managed']).toBe(checkinAnswerText(en, 'not-managed'));
  });
});

describe('the language a browser asks for', () => {
  it.each([
    ['es-ES,es;q=0.9,en;q=0.8', 'es'],
    ['de-DE, fr;q=0.8, en;q=0.5', 'fr'],
    ['en;q=0.2, pt-BR;q=0.9', 'pt'],
    ['fr;q=0, es;q=0.1', 'es'],
    ['PT_pt', 'pt'],
    ['de, *;q=0.5', undefined],
    ['', undefined],
    [undefined, undefined],
  ] as const)('reads %j as %s', (header, lang) => {
    expect(acceptedMailLanguage(header)).toBe(lang);
  });
});

describe('the link pages’ frame', () => {
  const pages = () => ({
    confirmation: confirmationPage({ t: en, action: 'pause', round: 'r', formAction: '/l/x' }),
    done: donePage({ t: en, action: 'pause', round: 'r', outcome: 'changed' }),
    refused: donePage({ t: en, action: 'resume', round: 'r', outcome: 'refused' }),
    invalid: invalidLinkPage(en),
  });

  it.each(Object.entries(pages()))(
    '%s has its title as its one h1, first in the main landmark after a skip link, and stays out of search engines',
    (_name, html) => {
      const title = /<title>(.*) · Tandem<\/title>/.exec(html)?.[1];

      expect(html).toContain('<a class="skip" href="#main">Skip to main content</a>');
      expect(html).toContain(`<main id="main" tabindex="-1">\n<h1>${title}</h1>`);
      expect(html.match(/<h1>/g)).toHaveLength(1);
      expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
    },
  );

  it('is served with a CSP that allows its inline stylesheet by hash and no script at all', () => {
    const hashes = Object.values(pages()).map((html) =>
      createHash('sha256')
        .update(/<style>(.*)<\/style>/s.exec(html)?.[1] ?? '')
        .digest('base64'),
    );

    expect(new Set(hashes).size).toBe(1);
    expect(LINK_PAGE_HEADERS['Content-Security-Policy']).toBe(
      `default-src 'none'; style-src 'sha256-${hashes[0]}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(LINK_PAGE_HEADERS).toMatchObject({
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
  });
});

describe('check-in link actions', () => {
  it('reads the check-in and the answer out of an action, and nothing out of other actions', () => {
    expect(checkinOf('checkin2-not-yet')).toEqual({ checkin: 2, answer: 'not-yet' });
    expect(checkinOf('checkin1-yes')).toEqual({ checkin: 1, answer: 'yes' });
    expect(checkinOf('quiet')).toBeUndefined();
  });

  it('names the action for every check-in and answer, and back again', () => {
    for (const checkin of [1, 2]) {
      for (const answer of ['yes', 'not-yet', 'not-managed'] as const) {
        expect(checkinOf(checkinAction(checkin, answer))).toEqual({ checkin, answer });
      }
    }
  });

  it('refuses a check-in number no link carries', () => {
    expect(() => checkinAction(3, 'yes')).toThrow(RangeError);
    expect(() => checkinAction(0, 'yes')).toThrow(RangeError);
  });
});
