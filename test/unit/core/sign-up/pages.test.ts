import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SIGN_UP_SCRIPT_PATH } from '#core/sign-up/assets';
import { CONSENT_FIELD, type FieldErrors, SIGN_UP_FIELDS } from '#core/sign-up/form';
import { PAGE_HEADERS } from '#core/sign-up/layout';
import {
  checkInboxPage,
  confirmSignUpPage,
  notFoundPage,
  registrationClosedPage,
  signedUpPage,
  signUpFormPage,
  tooManySignUpsPage,
  unusableLinkPage,
} from '#core/sign-up/pages';
import { aProfile, aRound } from '../fixtures.ts';

const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>';
const round = aRound({ id: 'spring-2027', name: 'Spring 2027', startDate: '2027-04-05', weeks: 12 });
const form = (more: Partial<Parameters<typeof signUpFormPage>[0]> = {}) =>
  signUpFormPage({ round, formToken: 'token-1', coordinatorEmail: 'coordinator@example.org', ...more });

const everyError: FieldErrors = Object.fromEntries(
  [...SIGN_UP_FIELDS, CONSENT_FIELD].map((field) => [field, `${field} is wrong`]),
);

const allPages = () => ({
  form: form(),
  formWithErrors: form({ errors: everyError, values: { name: 'x'.repeat(120), interests: 'y'.repeat(600) } }),
  checkInbox: checkInboxPage({ round, email: 'ana@example.org' }),
  closed: registrationClosedPage({ round }),
  notFound: notFoundPage(),
  tooMany: tooManySignUpsPage(),
  confirm: confirmSignUpPage({
    round,
    profile: aProfile({ seed: 'ana', interests: Array.from({ length: 20 }, () => 'z'.repeat(60)) }),
    token: 't',
    formToken: 'f',
  }),
  signedUp: signedUpPage({ round }),
  unusable: unusableLinkPage(),
});

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
    expect(html).toContain('<form method="post" action="/join/spring-2027" novalidate>');
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
    for (const [anchor, field] of [
      ['email', 'email'],
      ['country', 'country'],
      ['sector-public', 'sector'],
      ['career_stage-student', 'career_stage'],
      ['consent', 'consent'],
    ]) {
      expect(html, field).toContain(`<a href="#${anchor}">${field} is wrong</a>`);
      expect(html, field).toContain(`<span class="message" id="${field}-error">`);
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

  it('shows markup in a value or a round name as text', () => {
    const html = form({
      round: { ...round, name: HOSTILE },
      values: { name: HOSTILE, organisation: HOSTILE },
      errors: { name: HOSTILE },
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

describe('every sign-up page', () => {
  it.each(Object.entries(allPages()))('%s weighs at most 50 KB', (_name, html) => {
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(50 * 1024);
  });

  it.each(Object.entries(allPages()))('%s asks nothing from another origin', (_name, html) => {
    const urls = [...html.matchAll(/\b(?:src|href|action)="([^"]*)"/g)].map((m) => m[1] ?? '');

    for (const url of urls) expect(url).toMatch(/^(\/|#|mailto:)/);
    expect(html).not.toMatch(/\bstyle="/);
    expect(html).not.toMatch(/<script>|\bon[a-z]+="/);
  });

  it.each(Object.entries(allPages()))(
    '%s has its language, a viewport, a title and one h1',
    (_name, html) => {
      expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
      expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(html).toMatch(/<title>[^<]+ · Tandem<\/title>/);
      expect(html.match(/<h1>/g)).toHaveLength(1);
    },
  );

  it('allows its inline style by hash and its script by origin, and nothing else', () => {
    const style = /<style>(.*)<\/style>/s.exec(form())?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');

    expect(PAGE_HEADERS['Content-Security-Policy']).toBe(
      `default-src 'none'; script-src 'self'; style-src 'sha256-${hash}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
  });

  it('keeps the pages that carry a confirmation link out of search engines', () => {
    const pages = allPages();
    for (const html of [pages.confirm, pages.signedUp, pages.unusable]) {
      expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
    }
  });
});

describe('the confirmation page', () => {
  it('shows the details to be registered, as text, and one button that posts the link back', () => {
    const html = confirmSignUpPage({
      round,
      profile: aProfile({ seed: 'ana', name: HOSTILE, country: 'NZ', interests: [] }),
      token: 'the-token',
      formToken: 'form-1',
    });

    expect(html).toContain('<dt>Name</dt><dd>&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<dt>Country</dt><dd>New Zealand</dd>');
    expect(html).toContain('<dt>Interests</dt><dd>Not given</dd>');
    expect(html).toContain('<form method="post" action="/join/confirm">');
    expect(html).toContain('<input type="hidden" name="token" value="the-token">');
    expect(html).toContain('<input type="hidden" name="form_token" value="form-1">');
    expect(html.match(/<button/g)).toHaveLength(1);
  });
});

describe('after a sign-up', () => {
  it('shows the address as typed, as text', () => {
    const html = checkInboxPage({ round, email: `${HOSTILE}@example.org` });

    expect(html).toContain('<strong>&lt;script&gt;');
    expect(html).not.toContain('<script>alert');
  });
});
