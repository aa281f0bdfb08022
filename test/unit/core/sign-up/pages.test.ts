import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { translatorFor } from '#core/i18n';
import { SIGN_UP_SCRIPT_PATH } from '#core/sign-up/assets';
import { CONSENT_FIELD, type FieldErrors, SIGN_UP_FIELDS } from '#core/sign-up/form';
import { PAGE_HEADERS } from '#core/sign-up/layout';
import {
  checkInboxPage,
  confirmSignUpPage,
  notFoundPage,
  onWaitingListPage,
  reEnrolFormPage,
  registrationClosedPage,
  signedUpPage,
  signUpFormPage,
  tooManySignUpsPage,
  unusableLinkPage,
  waitingListOfferPage,
} from '#core/sign-up/pages';
import { aProfile, aRound } from '../fixtures.ts';

const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>';
const round = aRound({ id: 'spring-2027', name: 'Spring 2027', startDate: '2027-04-05', weeks: 12 });
const t = translatorFor('en');
const form = (more: Partial<Parameters<typeof signUpFormPage>[0]> = {}) =>
  signUpFormPage({ t, round, formToken: 'token-1', coordinatorEmail: 'coordinator@example.org', ...more });

const reEnrolForm = (more: Partial<Parameters<typeof reEnrolFormPage>[0]> = {}) =>
  reEnrolFormPage({
    t,
    round,
    email: 'ana@example.org',
    coordinatorEmail: 'coordinator@example.org',
    values: {
      name: 'Ana Silva',
      country: 'BR',
      languages: 'pt; en',
      sector: 'public',
      career_stage: 'early',
    },
    token: 'link-token',
    formToken: 'token-1',
    ...more,
  });

/** Every input wrong, each said as "<its label>: check what you entered", and no consent. */
const everyError: FieldErrors = {
  ...Object.fromEntries(SIGN_UP_FIELDS.map((field) => [field, { key: 'notUsable' }])),
  [CONSENT_FIELD]: { key: 'missingConsent' },
};

const allPages = (lang = 'en') => {
  const t = translatorFor(lang);
  const form = (more: Partial<Parameters<typeof signUpFormPage>[0]> = {}) =>
    signUpFormPage({ t, round, formToken: 'token-1', coordinatorEmail: 'coordinator@example.org', ...more });
  return {
    form: form(),
    formWithErrors: form({
      errors: everyError,
      problem: 'formRefused',
      values: { name: 'x'.repeat(120), interests: 'y'.repeat(600) },
    }),
    checkInbox: checkInboxPage({ t, round, email: 'ana@example.org' }),
    closed: registrationClosedPage({ t, round }),
    notFound: notFoundPage(t),
    tooMany: tooManySignUpsPage(t),
    confirm: confirmSignUpPage({
      t,
      round,
      profile: aProfile({ seed: 'ana', interests: Array.from({ length: 20 }, () => 'z'.repeat(60)) }),
      token: 't',
      formToken: 'f',
    }),
    signedUp: signedUpPage({ t, round }),
    unusable: unusableLinkPage(t),
    unusableReEnrolment: unusableLinkPage(t, 're-enrolment'),
    reEnrolForm: reEnrolForm({ t }),
    reEnrolFormWithErrors: reEnrolForm({ t, errors: everyError, member: true, problem: 'formRefused' }),
    waitingListOffer: waitingListOfferPage({
      t,
      email: 'ana@example.org',
      waiting: false,
      token: 't',
      formToken: 'f',
    }),
    onWaitingList: onWaitingListPage({ t, email: 'ana@example.org' }),
  };
};

/** The `<input>`, `<select>` or `<textarea>` tag named `name`. */
const control = (html: string, name: string) =>
  new RegExp(`<(input|select|textarea)[^>]*\\bname="${name}"[^>]*>`).exec(html)?.[0] ?? '';

describe('the sign-up form', () => {
  it('has exactly the inputs of the contract for scripts, plus the form token and the honeypot', () => {
    const html = form();
    const names = new Set(
      [...html.matchAll(/<(?:input|select|textarea)[^>]*\bname="([^"]+)"/g)].map((m) => m[1]),
    );

    expect([...names].sort()).toEqual([...SIGN_UP_FIELDS, 'consent', 'form_token', 'website'].sort());
    expect(html).toContain('<form method="post" action="/join/spring-2027?lang=en" novalidate>');
    expect(control(html, 'form_token')).toContain('type="hidden" name="form_token" value="token-1"');
  });

  it('labels every input, and offers the countries as ISO codes', () => {
    const html = form();
    for (const id of [
      'email',
      'name',
      'country',
      'languages',
      'timezone',
      'organisation',
      'interests',
      'consent',
    ]) {
      expect(html, id).toContain(`<label for="${id}">`);
      expect(html, id).toContain(`id="${id}"`);
    }
    expect(html).toContain('<legend>What kind of library do you work in?</legend>');
    expect(html).toContain('<option value="NZ">New Zealand</option>');
    expect(html).toContain('<option value="BR">Brazil</option>');
    expect(html).toMatch(/<datalist id="timezones">.*<option value="Europe\/Paris">/);
  });

  it('shows a summary linking to each error, and each error inside its field, tied to it', () => {
    const html = form({ errors: everyError });

    expect(html).toContain('<title>Error: Sign up for Spring 2027 · Tandem</title>');
    expect(html).toMatch(/<div class="summary-box" role="alert"[^>]*tabindex="-1">/);
    for (const [anchor, field, message] of [
      ['email', 'email', 'Email address: check what you entered'],
      ['country', 'country', 'Country: check what you entered'],
      ['sector-public', 'sector', 'Kind of library: check what you entered'],
      ['career_stage-student', 'career_stage', 'Career stage: check what you entered'],
      ['consent', 'consent', 'Select the box to agree to how we use your details'],
    ]) {
      expect(html, field).toContain(`<a href="#${anchor}">${message}</a>`);
      expect(html, field).toContain(
        `<span class="message" id="${field}-error"><span class="hidden-text">Error: </span>${message}</span>`,
      );
    }
    expect(control(html, 'email')).toContain('aria-describedby="email-hint email-error"');
    expect(control(html, 'email')).toContain('aria-invalid="true"');
    expect(html).toContain('<fieldset aria-describedby="sector-error">');
    expect(control(html, 'consent')).toContain('aria-describedby="consent-error"');
  });

  it('keeps the values given, the chosen country, radios and consent', () => {
    const html = form({
      values: { email: 'ana@example.org', country: 'nz', sector: 'academic', career_stage: 'mid' },
      consent: true,
    });

    expect(control(html, 'email')).toContain('value="ana@example.org"');
    expect(html).toContain('<option value="NZ" selected>New Zealand</option>');
    expect(control(html, 'sector').length).toBeGreaterThan(0);
    expect(html).toContain('id="sector-academic" name="sector" type="radio" value="academic" checked>');
    expect(html).toContain('id="career_stage-mid" name="career_stage" type="radio" value="mid" checked>');
    expect(control(html, 'consent')).toContain(' checked');
  });

  it('asks the language for their emails after the address, each named in itself, English chosen at first', () => {
    const html = form();

    expect(html).toContain('<label for="mail_language">Language for your emails</label>');
    expect(control(html, 'mail_language')).toBe(
      '<select id="mail_language" name="mail_language" aria-describedby="mail_language-hint">',
    );
    expect(html).toContain(
      '<option value="en" selected>English</option><option value="es">Español</option>' +
        '<option value="fr">Français</option><option value="pt">Português</option></select>',
    );
    expect(html.indexOf('name="email"')).toBeLessThan(html.indexOf('name="mail_language"'));
    expect(html.indexOf('name="mail_language"')).toBeLessThan(html.indexOf('name="name"'));
  });

  it('keeps the mail language chosen, and links its error from the summary', () => {
    const html = form({
      values: { mail_language: 'fr' },
      errors: { mail_language: { key: 'wrongMailLanguage' } },
    });

    expect(html).toContain('<option value="en">English</option>');
    expect(html).toContain('<option value="fr" selected>Français</option>');
    expect(html).toContain(
      '<li><a href="#mail_language">Select the language for your emails from the list</a></li>',
    );
    expect(html).toContain('<span class="message" id="mail_language-error">');
    expect(control(html, 'mail_language')).toContain(
      'aria-describedby="mail_language-hint mail_language-error" aria-invalid="true"',
    );
  });

  it('shows markup in a value or a round name as text', () => {
    const html = form({
      round: { ...round, name: HOSTILE },
      values: { name: HOSTILE, organisation: HOSTILE },
      errors: { country: { key: 'notCountry', values: { value: HOSTILE } } },
    });

    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain(
      'value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"',
    );
  });

  it('tells what is kept, for how long and how to leave, with the address to write to', () => {
    const html = form();

    expect(html).toContain('within 7 days, it is deleted');
    expect(html).toContain('kept for 400 days, and backups for 35 days');
    expect(html).toContain('<a href="mailto:coordinator@example.org">coordinator@example.org</a>');
  });

  it('hides the honeypot from people and assistive technology alike', () => {
    expect(form()).toContain(
      '<div class="trap"><label for="website">Leave this empty</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>',
    );
    expect(form()).toContain('.trap{display:none}');
  });

  it('loads its one script from our own origin, deferred', () => {
    expect(form()).toContain(`<script src="${SIGN_UP_SCRIPT_PATH}" defer></script>`);
    expect(SIGN_UP_SCRIPT_PATH).toMatch(/^\/join\/assets\/sign-up-[0-9a-f]{12}\.js$/);
  });
});

/** Every page in every language, by `<lang> <page>`. */
const everyPage = () =>
  ['en', 'es', 'fr', 'pt'].flatMap((lang) =>
    Object.entries(allPages(lang)).map(([name, html]) => [`${lang} ${name}`, html] as const),
  );

describe('every sign-up page', () => {
  it.each(everyPage())('%s weighs at most 50 KB', (_name, html) => {
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(50 * 1024);
  });

  it.each(everyPage())('%s asks nothing from another origin', (_name, html) => {
    const urls = [...html.matchAll(/\b(?:src|href|action)="([^"]*)"/g)].map((m) => m[1] ?? '');

    for (const url of urls) expect(url).toMatch(/^(\/|#|mailto:)/);
    expect(html).not.toMatch(/\bstyle="/);
    expect(html).not.toMatch(/<script>|\bon[a-z]+="/);
  });

  it.each(everyPage())('%s has its language, a viewport, a title and one h1', (name, html) => {
    expect(html).toMatch(new RegExp(`^<!doctype html>\n<html lang="${name.slice(0, 2)}">`));
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toMatch(/<title>[^<]+ · Tandem<\/title>/);
    expect(html.match(/<h1>/g)).toHaveLength(1);
  });

  it('allows its inline style by hash and its script by origin, and nothing else', () => {
    const style = /<style>(.*)<\/style>/s.exec(form())?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');

    expect(PAGE_HEADERS['Content-Security-Policy']).toBe(
      `default-src 'none'; script-src 'self'; style-src 'sha256-${hash}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
  });

  it('keeps the pages that carry a confirmation or re-enrolment link out of search engines', () => {
    const pages = allPages();
    for (const html of [
      pages.confirm,
      pages.signedUp,
      pages.unusable,
      pages.unusableReEnrolment,
      pages.reEnrolForm,
      pages.waitingListOffer,
      pages.onWaitingList,
    ]) {
      expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
    }
  });
});

describe('the confirmation page', () => {
  it('shows the details to be registered, as text, and one button that posts the link back', () => {
    const html = confirmSignUpPage({
      t,
      round,
      profile: aProfile({ seed: 'ana', name: HOSTILE, country: 'NZ', interests: [] }),
      token: 'the-token',
      formToken: 'form-1',
    });

    expect(html).toContain('<dt>Name</dt><dd>&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<dt>Country</dt><dd>New Zealand</dd>');
    expect(html).toContain('<dt>Interests</dt><dd>Not given</dd>');
    expect(html).toContain('<dt>Language for your emails</dt><dd>English</dd>');
    expect(html).toContain('<form method="post" action="/join/confirm">');
    expect(html).toContain('<input type="hidden" name="token" value="the-token">');
    expect(html).toContain('<input type="hidden" name="form_token" value="form-1">');
    expect(html.match(/<button/g)).toHaveLength(1);
  });

  it('names the language chosen for their emails in itself', () => {
    const html = confirmSignUpPage({
      t,
      round,
      profile: aProfile({ seed: 'ana', mailLanguage: 'pt' }),
      token: 't',
      formToken: 'f',
    });

    expect(html).toContain('<dt>Language for your emails</dt><dd>Português</dd>');
  });
});

describe('after a sign-up', () => {
  it('shows the address as typed, as text', () => {
    const html = checkInboxPage({ t, round, email: `${HOSTILE}@example.org` });

    expect(html).toContain('<strong>&lt;script&gt;');
    expect(html).not.toContain('<script>alert');
  });
});

describe('the re-enrolment form', () => {
  it('has the sign-up inputs but the address, which it shows as text, and posts the link back', () => {
    const html = reEnrolForm();
    const names = new Set(
      [...html.matchAll(/<(?:input|select|textarea)[^>]*\bname="([^"]+)"/g)].map((m) => m[1]),
    );

    expect([...names].sort()).toEqual(
      [
        ...SIGN_UP_FIELDS.filter((f) => f !== 'email'),
        'consent',
        'form_token',
        'intent',
        'round',
        'token',
      ].sort(),
    );
    expect(html).toContain('<form method="post" action="/join/again" novalidate>');
    expect(html).toContain('<input type="hidden" name="token" value="link-token">');
    expect(html).toContain('<input type="hidden" name="intent" value="register">');
    expect(html).toContain('<input type="hidden" name="round" value="spring-2027">');
    expect(html).toContain('<p>ana@example.org</p>');
    expect(html).toContain('<a href="/join/spring-2027?lang=en">the round’s sign-up page</a>');
    expect(html.match(/<button/g)).toHaveLength(1);
    expect(html).toContain('<button type="submit">Sign me up</button>');
  });

  it('fills in the values it is given, consent left for the person to give', () => {
    const html = reEnrolForm();

    expect(control(html, 'name')).toContain('value="Ana Silva"');
    expect(control(html, 'languages')).toContain('value="pt; en"');
    expect(html).toContain('<option value="BR" selected>Brazil</option>');
    expect(html).toContain('id="sector-public" name="sector" type="radio" value="public" checked>');
    expect(control(html, 'consent')).not.toContain(' checked');
  });

  it('keeps the language of their emails, for them to change', () => {
    const html = reEnrolForm({ values: { name: 'Ana Silva', mail_language: 'es' } });

    expect(html).toContain('<label for="mail_language">Language for your emails</label>');
    expect(html).toContain('<option value="es" selected>Español</option>');
    expect(html).toContain('<option value="en">English</option>');
  });

  it('says so to someone signed up already, whose button then updates their details', () => {
    const html = reEnrolForm({ member: true });

    expect(html).toContain('You are signed up for Spring 2027 already.');
    expect(html).toContain('<button type="submit">Update my details</button>');
  });

  it('shows its errors as the sign-up form does, and no confirmation to wait for in its notice', () => {
    const html = reEnrolForm({ errors: { name: { key: 'missingName' } }, values: {} });

    expect(html).toContain('<title>Error: Sign up for Spring 2027 · Tandem</title>');
    expect(html).toContain('<a href="#name">Enter your name</a>');
    expect(html).not.toContain('within 7 days, it is deleted');
    expect(html).toContain('Your details are kept until you ask for them to be deleted');
  });

  it('shows markup in the address or a value as text', () => {
    const html = reEnrolForm({ email: `${HOSTILE}@example.org`, values: { name: HOSTILE } });

    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
  });
});

describe('the waiting list pages', () => {
  it('offers one button that posts the link back to join the list', () => {
    const html = waitingListOfferPage({
      t,
      email: 'ana@example.org',
      waiting: false,
      token: 'link',
      formToken: 'f',
    });

    expect(html).toContain('<h1>No round is taking sign-ups yet</h1>');
    expect(html).toContain('<strong>ana@example.org</strong>');
    expect(html).toContain('<input type="hidden" name="token" value="link">');
    expect(html).toContain('<input type="hidden" name="intent" value="wait">');
    expect(html).toContain('<input type="hidden" name="form_token" value="f">');
    expect(html.match(/<button/g)).toHaveLength(1);
    expect(html).toContain('<button type="submit">Tell me when the next round opens</button>');
  });

  it('tells someone on the list already that they are, with no button', () => {
    const html = waitingListOfferPage({
      t,
      email: 'ana@example.org',
      waiting: true,
      token: 'link',
      formToken: 'f',
    });

    expect(html).toContain('<h1>We will tell you when the next round opens</h1>');
    expect(html).not.toContain('<button');
  });

  it('confirms a place on the list, and says when it lapses', () => {
    const html = onWaitingListPage({ t, email: `${HOSTILE}@example.org` });

    expect(html).toContain('once, when the next round opens');
    expect(html).toContain('lapses after 365 days');
    expect(html).not.toContain('<script>alert');
  });

  it('says a re-enrolment link does not work in its own words: no 7-day confirmation', () => {
    const html = unusableLinkPage(t, 're-enrolment');

    expect(html).toContain('<h1>This link does not work</h1>');
    expect(html).toContain('older than 365 days');
    expect(html).not.toContain('7 days');
  });
});

describe('the pages in the reader’s language', () => {
  it('write the form in the language of its translator, with the round’s day and countries in it', () => {
    const es = translatorFor('es');

    const html = form({ t: es });

    expect(html).toMatch(/^<!doctype html>\n<html lang="es">/);
    expect(html).toContain(`<h1>${es.text('sign-up-page.formTitle', { roundName: 'Spring 2027' })}</h1>`);
    expect(html).toContain(
      `<title>${es.text('sign-up-page.formTitle', { roundName: 'Spring 2027' })} · Tandem</title>`,
    );
    expect(html).toContain('5 de abril de 2027');
    expect(html).toContain(`<label for="email">${es.text('sign-up-page.labelEmail')}</label>`);
    expect(html).toContain('<option value="NZ">Nueva Zelanda</option>');
    expect(html.indexOf('>Alemania<')).toBeLessThan(html.indexOf('>Brasil<'));
    expect(html.indexOf('>Brasil<')).toBeLessThan(html.indexOf('>Nueva Zelanda<'));
    expect(html).toContain(`<button type="submit">${es.text('sign-up-page.signUpButton')}</button>`);
  });

  it('sorts the countries as the page’s language does, accents and all', () => {
    const html = form({ t: translatorFor('fr') });
    const names = [...html.matchAll(/<option value="[A-Z]{2}">([^<]+)<\/option>/g)].map((m) => m[1] ?? '');

    expect(names).toEqual([...names].sort(new Intl.Collator('fr').compare));
    expect(names.indexOf('Égypte')).toBeLessThan(names.indexOf('Espagne'));
  });

  it('offers the same page in each other language, named in itself, and posts in its own', () => {
    const html = form({ t: translatorFor('fr') });

    expect(html).toContain(
      `<nav aria-label="${translatorFor('fr').text('sign-up-page.otherLanguages')}"><p>`,
    );
    expect(html).toContain('<a href="/join/spring-2027?lang=en" lang="en" hreflang="en">English</a>');
    expect(html).toContain('<a href="/join/spring-2027?lang=es" lang="es" hreflang="es">Español</a>');
    expect(html).toContain('<a href="/join/spring-2027?lang=pt" lang="pt" hreflang="pt">Português</a>');
    expect(html).not.toContain('?lang=fr" lang="fr"');
    expect(html).toContain('<form method="post" action="/join/spring-2027?lang=fr" novalidate>');
  });

  it('chooses the page’s language for their emails until another is chosen', () => {
    const page = form({ t: translatorFor('pt') });
    const chosen = form({ t: translatorFor('pt'), values: { mail_language: 'es' } });

    expect(page).toContain('<option value="pt" selected>Português</option>');
    expect(page).toContain('<option value="en">English</option>');
    expect(chosen).toContain('<option value="es" selected>Español</option>');
    expect(chosen).toContain('<option value="pt">Português</option>');
  });

  it('says the errors and the form’s problem in the page’s language', () => {
    const fr = translatorFor('fr');

    const html = form({ t: fr, errors: { email: { key: 'missingEmail' } }, problem: 'formRefused' });

    expect(html).toContain(
      `<title>Erreur\u00a0: ${fr.text('sign-up-page.formTitle', { roundName: 'Spring 2027' })} · Tandem</title>`,
    );
    expect(html).toContain(`<h2 id="summary-title">${fr.text('sign-up-page.errorSummaryTitle')}</h2>`);
    expect(html).toContain(`<p>${fr.html('sign-up-page.formRefused')}</p>`);
    expect(html).toContain(`<a href="#email">${fr.text('sign-up-page.missingEmail')}</a>`);
    expect(html).toContain('<span class="hidden-text">Erreur\u00a0: </span>');
  });

  it('shows the details to confirm in the pending sign-up’s language', () => {
    const pt = translatorFor('pt');

    const html = confirmSignUpPage({
      t: pt,
      round,
      profile: aProfile({ seed: 'ana', country: 'NZ', mailLanguage: 'pt', sector: 'school', interests: [] }),
      token: 't',
      formToken: 'f',
    });

    expect(html).toMatch(/<html lang="pt">/);
    expect(html).toContain(`<h1>${pt.text('sign-up-page.confirmTitle', { roundName: 'Spring 2027' })}</h1>`);
    expect(html).toContain('<dt>País</dt><dd>Nova Zelândia</dd>');
    expect(html).toContain(`<dd>${pt.text('sign-up-page.sectorSchool')}</dd>`);
    expect(html).toContain(`<dt>Interesses</dt><dd>${pt.text('sign-up-page.notGiven')}</dd>`);
    expect(html).toContain('<a href="/join/spring-2027?lang=pt">');
  });

  it('names the round’s own programme and audience where the round has them', () => {
    const programme = {
      name: 'Nurses Connect',
      audience: { en: 'nurses and midwives', es: 'profesionales de enfermería' },
    };

    const en = form({ t: translatorFor('en', programme) });
    const es = checkInboxPage({ t: translatorFor('es', programme), round, email: 'ana@example.org' });

    expect(en).toContain('<title>Sign up for Spring 2027 · Nurses Connect</title>');
    expect(en).toContain('<header>NURSES CONNECT</header>');
    expect(en).toContain('Nurses Connect pairs nurses and midwives from different countries');
    expect(en).toContain('I agree to Nurses Connect using my details as described above');
    expect(en).not.toMatch(/Tandem|library professionals/);
    expect(es).toContain(' · Nurses Connect</title>');
  });

  it('puts the address in bold in its sentence, in any language', () => {
    const html = onWaitingListPage({ t: translatorFor('es'), email: `${HOSTILE}@example.org` });

    expect(html).toContain('Te escribiremos a <strong>&lt;script&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('\uE000');
  });
});
