import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { logger } from '#adapters/logger';
import { translatorFor } from '#core/i18n';
import { signSignUpToken } from '#core/link-token';
import { SIGN_UP_SCRIPT_PATH } from '#core/sign-up/assets';
import { SIGN_UPS_PER_CLIENT_PER_HOUR } from '#core/sign-up/policy';
import { ORIGIN_VERIFY_HEADER } from '#handlers/http-request';
import { createDeps, createHandler, type WebDeps } from '#handlers/web';
import { VirtualClock } from '#local/clock';
import { clients } from '../aws-clients.ts';
import { aParticipant, signUpId, testKeys } from '../core/fixtures.ts';
import { anasForm, signUpWorld } from '../use-cases/sign-up/sign-up-world.ts';
import { captureLogs, RecordingMetrics } from './recording-metrics.ts';

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

/** What CloudFront sends in `ORIGIN_VERIFY_HEADER` to the functions of these tests. */
const CLOUDFRONT_SECRET = 'cloudfront-origin-secret-0123456789';

type Result = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string>; body: string };

/** The sign-up pages on fakes: a draft round `spring-2027` taking sign-ups, unless told otherwise. */
const site = (round: Parameters<typeof signUpWorld>[0] = {}) => {
  const world = signUpWorld(round);
  const metrics = new RecordingMetrics();
  let bytes = 0;
  const deps: WebDeps = {
    ...world.deps,
    metrics,
    coordinatorEmail: 'coordinator@example.org',
    originSecret: CLOUDFRONT_SECRET,
    // A different nonce for every new visitor.
    randomBytes: (size) => new Uint8Array(size).fill(++bytes),
  };
  const handle = createHandler(deps);
  const request = async (
    method: string,
    path: string,
    options: {
      form?: URLSearchParams;
      cookie?: string;
      query?: string;
      headers?: Record<string, string>;
      base64?: boolean;
    } = {},
  ): Promise<Result> => {
    const body = options.form?.toString();
    const event = {
      version: '2.0',
      rawPath: path,
      rawQueryString: options.query ?? '',
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        ...options.headers,
      },
      ...(options.cookie ? { cookies: [options.cookie] } : {}),
      requestContext: { http: { method, path, sourceIp: '203.0.113.7' } },
      ...(body === undefined
        ? {}
        : options.base64
          ? { body: Buffer.from(body).toString('base64'), isBase64Encoded: true }
          : { body, isBase64Encoded: false }),
    } as unknown as APIGatewayProxyEventV2;
    return (await handle(event)) as Result;
  };
  return { ...world, metrics, request };
};

type Site = ReturnType<typeof site>;

/** The cookie a page set, as a browser sends it back, and the form token in the page. */
const session = (page: Result) => ({
  cookie: (page.headers['Set-Cookie'] ?? '').split(';')[0] ?? '',
  token: /name="form_token" value="([^"]+)"/.exec(page.body)?.[1] ?? '',
});

/** The form as a browser posts it: the values, the consent box, the hidden inputs as they came. */
const formOf = (values: Record<string, string>, token: string, more: Record<string, string> = {}) =>
  new URLSearchParams({ ...values, consent: 'yes', website: '', form_token: token, ...more });

/** Opens the form and posts it, as a person with a browser does. */
const signUp = async (
  s: Site,
  values = anasForm().values,
  more: Record<string, string> = {},
  headers = {},
) => {
  const page = await s.request('GET', '/join/spring-2027', { headers });
  const { cookie, token } = session(page);
  return s.request('POST', '/join/spring-2027', { form: formOf(values, token, more), cookie, headers });
};

/** The token of the confirmation link of Ana's sign-up (`s` + one), as the mail carries it. */
const linkToken = (id = signUpId('one')) =>
  signSignUpToken(
    { roundId: 'spring-2027', signUpId: id, expiresAt: Date.parse('2027-03-08T09:00:00Z') / 1000 },
    testKeys,
  );

/** Opens the confirmation link and presses its button. */
const confirmViaLink = async (s: Site, token = linkToken()) => {
  const page = await s.request('GET', '/join/confirm', { query: `token=${token}` });
  const { cookie, token: formToken } = session(page);
  return s.request('POST', '/join/confirm', {
    form: new URLSearchParams({ token, form_token: formToken }),
    cookie,
  });
};

describe('GET /join/<roundId>', () => {
  it('shows the form of a round taking sign-ups, with a form token and its cookie, under a strict CSP', async () => {
    const s = site();

    const page = await s.request('GET', '/join/spring-2027');

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Sign up for Spring 2025</h1>');
    expect(page.headers['Set-Cookie']).toMatch(
      /^tandem-form=[A-Za-z0-9_-]{22}; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    expect(session(page).token).not.toBe('');
    expect(page.headers['Content-Security-Policy']).toMatch(
      /^default-src 'none'; script-src 'self'; style-src 'sha256-/,
    );
    expect(page.headers['Cache-Control']).toBe('no-store');
  });

  it('sets a Secure __Host- cookie over HTTPS, and keeps the visitor’s cookie when it has one', async () => {
    const s = site();
    const https = { 'x-forwarded-proto': 'https' };

    const first = await s.request('GET', '/join/spring-2027', { headers: https });
    const cookie = session(first).cookie;
    const again = await s.request('GET', '/join/spring-2027', { headers: https, cookie });

    expect(first.headers['Set-Cookie']).toMatch(/^__Host-tandem-form=.*; Secure$/);
    expect(cookie).toMatch(/^__Host-tandem-form=/);
    expect(again.headers['Set-Cookie']).toBeUndefined();
  });

  it('answers 404 for a round that does not exist, or an address that names none', async () => {
    const s = site();

    for (const path of ['/join/autumn-2027', '/join/Not_A_Round', '/join/', '/join/spring-2027/more', '/']) {
      const page = await s.request('GET', path);
      expect(page.statusCode, path).toBe(404);
      expect(page.body, path).not.toContain('<form');
    }
  });

  it.each([
    ['registration closed', { registration: 'closed' as const }],
    ['matched', { status: 'matched' as const }],
  ])('answers 410 for a round with %s, and shows no form', async (_what, round) => {
    const s = site(round);

    const page = await s.request('GET', '/join/spring-2027');

    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('Registration for Spring 2025 is closed');
    expect(page.body).not.toContain('<form');
  });

  it('refuses methods other than GET and POST', async () => {
    const s = site();

    const page = await s.request('PUT', '/join/spring-2027');

    expect(page.statusCode).toBe(405);
    expect(page.headers.Allow).toBe('GET, POST');
  });
});

describe('POST /join/<roundId>', () => {
  it('keeps a valid sign-up pending, queues its confirmation mail and says to check the inbox', async () => {
    const s = site();

    const page = await signUp(s);

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Check your inbox</h1>');
    expect(page.body).toContain('<strong>Ana@Example.org</strong>');
    expect(s.signUps.pending.size).toBe(1);
    expect(s.queue.jobs).toEqual([expect.objectContaining({ kind: 'sign-up', signUpId: signUpId('one') })]);
    expect(s.store.participants.size).toBe(0);
    expect(s.metrics.total('SignUps', { outcome: 'queued' })).toBe(1);
  });

  it('reads a body the Function URL base64-encoded, and lists given as repeated inputs', async () => {
    const s = site();
    const page = await s.request('GET', '/join/spring-2027');
    const { cookie, token } = session(page);
    const form = formOf({ ...anasForm().values, languages: 'pt' }, token);
    form.append('languages', 'en');

    const result = await s.request('POST', '/join/spring-2027', { form, cookie, base64: true });

    expect(result.statusCode).toBe(200);
    expect([...s.signUps.pending.values()][0]?.profile.languages).toEqual(['pt', 'en']);
  });

  it('reads the cookie from the Cookie header too, as the local stack’s HTTP server passes it', async () => {
    const s = site();
    const { cookie, token } = session(await s.request('GET', '/join/spring-2027'));

    const result = await s.request('POST', '/join/spring-2027', {
      form: formOf(anasForm().values, token),
      headers: { cookie: `other=1; ${cookie}` },
    });

    expect(result.statusCode).toBe(200);
  });

  it('gives an address already registered the very same answer as a new one', async () => {
    const fresh = site();
    const known = site();
    known.store.participants.set('ana@example.org', aParticipant({ seed: 'ana', email: 'ana@example.org' }));

    const [forNew, forKnown] = [await signUp(fresh), await signUp(known)];

    expect(forKnown.statusCode).toBe(forNew.statusCode);
    expect(forKnown.headers).toEqual(forNew.headers);
    expect(forKnown.body).toBe(forNew.body);
  });

  it('shows the form again with each error by its field, the summary first, values kept, answering 400', async () => {
    const s = site();

    const page = await signUp(s, { ...anasForm().values, email: 'ana-at-example.org', country: '' });

    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('<title>Error: Sign up for Spring 2025 · Tandem</title>');
    expect(page.body).toContain(
      '<a href="#email">Email address: "ana-at-example.org" is not an email address</a>',
    );
    expect(page.body).toContain('<a href="#country">Select your country</a>');
    expect(page.body).toContain('id="email-error"');
    expect(page.body).toContain('value="ana-at-example.org"');
    expect(page.body).toContain('value="Ana Silva"');
    expect(page.body).toContain('value="public" checked');
    expect(s.signUps.pending.size).toBe(0);
    expect(s.metrics.total('SignUps', { outcome: 'invalid' })).toBe(1);
  });

  it('keeps the language chosen for their emails with the pending sign-up, and registers them with it', async () => {
    const s = site();

    const page = await signUp(s, { ...anasForm().values, mail_language: 'pt' });
    await confirmViaLink(s);

    expect(page.statusCode).toBe(200);
    expect(s.store.participants.get('ana@example.org')?.mailLanguage).toBe('pt');
    expect(s.store.members.get('spring-2027')?.map((m) => m.mailLanguage)).toEqual(['pt']);
  });

  it('keeps the pending sign-up in the language chosen until it is confirmed', async () => {
    const s = site();

    await signUp(s, { ...anasForm().values, mail_language: 'es' });

    expect([...s.signUps.pending.values()].map((p) => p.profile.mailLanguage)).toEqual(['es']);
  });

  it('refuses a mail language not on the list, linking the summary to its select, 400', async () => {
    const s = site();

    const page = await signUp(s, { ...anasForm().values, mail_language: 'de' });

    expect(page.statusCode).toBe(400);
    expect(page.body).toContain(
      '<a href="#mail_language">Select the language for your emails from the list</a>',
    );
    expect(page.body).toContain('id="mail_language-error"');
    expect(s.signUps.pending.size).toBe(0);
  });

  it('shows HTML in a name as text', async () => {
    const s = site();
    const name = '<script>alert(1)</script>';

    const page = await signUp(s, { ...anasForm().values, name, email: '' });

    expect(page.statusCode).toBe(400);
    expect(page.body).not.toContain(name);
    expect(page.body).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('refuses a sign-up without consent', async () => {
    const s = site();

    const page = await signUp(s, anasForm().values, { consent: '' });
    const withoutTheBox = await (async () => {
      const form = await s.request('GET', '/join/spring-2027');
      const { cookie, token } = session(form);
      const posted = formOf(anasForm().values, token);
      posted.delete('consent');
      return s.request('POST', '/join/spring-2027', { form: posted, cookie });
    })();

    for (const refused of [page, withoutTheBox]) {
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain(
        '<a href="#consent">Select the box to agree to how we use your details</a>',
      );
    }
    expect(s.signUps.pending.size).toBe(0);
  });

  it('answers a filled-in honeypot as it would a person, keeping nothing', async () => {
    const s = site();

    const page = await signUp(s, anasForm().values, { website: 'https://spam.example' });

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Check your inbox</h1>');
    expect(s.signUps.pending.size).toBe(0);
    expect(s.queue.jobs).toEqual([]);
  });

  it('refuses a post without its form token, with a forged one, or with one of another visitor (CSRF)', async () => {
    const s = site();
    const mine = session(await s.request('GET', '/join/spring-2027'));
    const theirs = session(await s.request('GET', '/join/spring-2027'));
    const values = anasForm().values;
    const forged = `${mine.token.slice(0, -2)}AA`;

    const attempts = [
      await s.request('POST', '/join/spring-2027', { form: formOf(values, ''), cookie: mine.cookie }),
      await s.request('POST', '/join/spring-2027', { form: formOf(values, mine.token) }),
      await s.request('POST', '/join/spring-2027', { form: formOf(values, forged), cookie: mine.cookie }),
      await s.request('POST', '/join/spring-2027', {
        form: formOf(values, theirs.token),
        cookie: mine.cookie,
      }),
    ];

    for (const page of attempts) {
      expect(page.statusCode).toBe(403);
      expect(page.body).toContain('This form had expired, or was not sent from our page.');
      expect(page.body).toContain('value="Ana Silva"');
    }
    expect(s.signUps.pending.size).toBe(0);
    expect(s.limits.counts.size).toBe(0);
    expect(s.metrics.total('SignUps', { outcome: 'refused-form' })).toBe(4);
  });

  it('takes nothing for a round that does not exist or takes no sign-ups', async () => {
    const closed = site({ registration: 'closed' });
    const open = site();
    const { cookie, token } = session(await open.request('GET', '/join/spring-2027'));

    const toClosed = await closed.request('POST', '/join/spring-2027', {
      form: formOf(anasForm().values, token),
      cookie,
    });
    const toUnknown = await open.request('POST', '/join/autumn-2027', {
      form: formOf(anasForm().values, token),
      cookie,
    });

    expect(toClosed.statusCode).toBe(410);
    expect(toUnknown.statusCode).toBe(404);
    expect(closed.signUps.pending.size + open.signUps.pending.size).toBe(0);
  });

  it(`answers 429 to a client over ${SIGN_UPS_PER_CLIENT_PER_HOUR} sign-ups an hour, by CloudFront's viewer address`, async () => {
    const s = site();
    const viewer = {
      'cloudfront-viewer-address': '198.51.100.23:54321',
      [ORIGIN_VERIFY_HEADER]: CLOUDFRONT_SECRET,
    };
    for (let i = 0; i < SIGN_UPS_PER_CLIENT_PER_HOUR; i++) {
      await signUp(s, { ...anasForm().values, email: `person${i}@example.org` }, {}, viewer);
    }

    const over = await signUp(s, { ...anasForm().values, email: 'late@example.org' }, {}, viewer);
    const otherViewer = await signUp(
      s,
      { ...anasForm().values, email: 'late@example.org' },
      {},
      { 'cloudfront-viewer-address': '198.51.100.24:1', [ORIGIN_VERIFY_HEADER]: CLOUDFRONT_SECRET },
    );
    // Straight to the Function URL, a forged viewer address is not believed: the caller's own is counted.
    const forged = await signUp(
      s,
      { ...anasForm().values, email: 'forger@example.org' },
      {},
      { 'cloudfront-viewer-address': '198.51.100.25:1' },
    );

    expect(over.statusCode).toBe(429);
    expect(forged.statusCode).toBe(200);
    expect(over.headers['Retry-After']).toBe('3600');
    expect(otherViewer.statusCode).toBe(200);
  });
});

describe('the confirmation link', () => {
  it('shows the details and one button on GET, and changes nothing', async () => {
    const s = site();
    await signUp(s);

    const page = await s.request('GET', '/join/confirm', { query: `token=${linkToken()}` });

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<dd>ana@example.org</dd>');
    expect(page.body.match(/<button/g)).toHaveLength(1);
    expect(page.headers['Referrer-Policy']).toBe('no-referrer');
    expect(s.store.participants.size).toBe(0);
    expect(s.signUps.pending.size).toBe(1);
  });

  it('registers the person in the round when the button is pressed, once', async () => {
    const s = site();
    await signUp(s);

    const confirmed = await confirmViaLink(s);
    const replayed = await confirmViaLink(s);

    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('<h1>You are signed up for Spring 2025</h1>');
    expect(s.store.members.get('spring-2027')?.map((m) => [m.email, m.registeredVia])).toEqual([
      ['ana@example.org', 'sign-up'],
    ]);
    expect(replayed.statusCode).toBe(410);
    expect(replayed.body).toContain('<h1>This link does not work</h1>');
    expect(s.store.members.get('spring-2027')).toHaveLength(1);
    expect(s.metrics.total('SignUps', { outcome: 'confirmed' })).toBe(1);
  });

  it('gives a forged or malformed link the page that says it does not work, and registers nothing', async () => {
    const s = site();
    await signUp(s);
    const real = linkToken();
    const forged = `${real.slice(0, -2)}${real.endsWith('AA') ? 'BB' : 'AA'}`;

    const shown = await s.request('GET', '/join/confirm', { query: `token=${forged}` });
    const posted = await confirmViaLink(s, forged);
    const garbage = await s.request('GET', '/join/confirm', { query: 'token=<script>' });

    for (const page of [shown, posted, garbage]) {
      expect(page.statusCode).toBe(400);
      expect(page.body).toContain('<h1>This link does not work</h1>');
      expect(page.body).not.toContain('<script>');
    }
    expect(s.store.participants.size).toBe(0);
  });

  it('shows the confirmation again, registering nothing, when the button comes without a valid form token', async () => {
    const s = site();
    await signUp(s);

    const page = await s.request('POST', '/join/confirm', {
      form: new URLSearchParams({ token: linkToken(), form_token: 'nope' }),
    });

    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('This form had expired, or was not sent from our page.');
    expect(page.body).toContain('Confirm my sign-up');
    expect(s.store.participants.size).toBe(0);
  });

  it('registers nothing once the round stopped taking sign-ups', async () => {
    const s = site();
    await signUp(s);
    await s.store.setRegistration('spring-2027', 'closed');

    const page = await confirmViaLink(s);

    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('Registration for Spring 2025 is closed');
    expect(s.store.participants.size).toBe(0);
  });

  it('logs ids and outcomes only: no address, name or IP address', async () => {
    const s = site();

    const { lines } = await captureLogs(logger, async () => {
      await signUp(s);
      await signUp(s, { ...anasForm().values, email: 'broken' });
      await confirmViaLink(s);
      await confirmViaLink(s, 'forged.token');
    });

    const logged = JSON.stringify(lines);
    expect(lines.length).toBeGreaterThan(0);
    expect(logged).not.toMatch(/ana@example|Ana Silva|203\.0\.113\.7|broken/i);
    expect(logged).toContain(signUpId('one'));
  });
});

describe('the language of the pages', () => {
  const es = translatorFor('es');
  const fr = translatorFor('fr');
  const title = (t = es) => t.text('sign-up-page.formTitle', { roundName: 'Spring 2025' });

  it('writes the form in the language its address asks for with ?lang=', async () => {
    const s = site();

    const page = await s.request('GET', '/join/spring-2027', { query: 'lang=es' });

    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/^<!doctype html>\n<html lang="es">/);
    expect(page.body).toContain(`<h1>${title()}</h1>`);
    expect(page.body).toContain('<form method="post" action="/join/spring-2027?lang=es" novalidate>');
    expect(page.body).toContain('<option value="es" selected>Español</option>');
  });

  it('writes it in the first of our languages the browser asks for, without ?lang=', async () => {
    const s = site();
    const headers = { 'accept-language': 'de-DE, fr-CA;q=0.8, es;q=0.5' };

    const page = await s.request('GET', '/join/spring-2027', { headers });
    const chosen = await s.request('GET', '/join/spring-2027', { headers, query: 'lang=pt' });
    const unknown = await s.request('GET', '/join/spring-2027', { headers, query: 'lang=de' });

    expect(page.body).toMatch(/<html lang="fr">/);
    expect(page.body).toContain(`<h1>${title(fr)}</h1>`);
    expect(chosen.body).toMatch(/<html lang="pt">/);
    expect(unknown.body).toMatch(/<html lang="fr">/);
  });

  it('writes it in English when neither asks for one of ours', async () => {
    const s = site();

    const page = await s.request('GET', '/join/spring-2027', {
      headers: { 'accept-language': 'de, it;q=0.9' },
    });

    expect(page.body).toMatch(/<html lang="en">/);
    expect(page.body).toContain('<h1>Sign up for Spring 2025</h1>');
  });

  it('keeps the language of the form in the page with its errors, and in "check your inbox"', async () => {
    const s = site();
    const form = await s.request('GET', '/join/spring-2027', { query: 'lang=es' });
    const { cookie, token } = session(form);

    const refused = await s.request('POST', '/join/spring-2027', {
      query: 'lang=es',
      form: formOf({ ...anasForm().values, mail_language: 'es', email: '' }, token),
      cookie,
    });
    const accepted = await s.request('POST', '/join/spring-2027', {
      query: 'lang=es',
      form: formOf({ ...anasForm().values, mail_language: 'es' }, token),
      cookie,
    });

    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(/<html lang="es">/);
    expect(refused.body).toContain(`<title>Error: ${title()} · Tandem</title>`);
    expect(refused.body).toContain(`<a href="#email">${es.text('sign-up-page.missingEmail')}</a>`);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.body).toMatch(/<html lang="es">/);
    expect(accepted.body).toContain(`<h1>${es.text('sign-up-page.checkInboxTitle')}</h1>`);
  });

  it('says a form was refused in the page’s language', async () => {
    const s = site();

    const page = await s.request('POST', '/join/spring-2027', {
      query: 'lang=fr',
      form: formOf(anasForm().values, 'forged'),
    });

    expect(page.statusCode).toBe(403);
    expect(page.body).toMatch(/<html lang="fr">/);
    expect(page.body).toContain(fr.html('sign-up-page.formRefused'));
  });

  it('shows the confirmation in the language chosen for the emails, whatever the browser asks for', async () => {
    const s = site();
    await signUp(s, { ...anasForm().values, mail_language: 'pt' });
    const pt = translatorFor('pt');

    const page = await s.request('GET', '/join/confirm', {
      query: `token=${linkToken()}&lang=es`,
      headers: { 'accept-language': 'fr' },
    });
    const confirmed = await confirmViaLink(s);

    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<html lang="pt">/);
    expect(page.body).toContain(
      `<h1>${pt.text('sign-up-page.confirmTitle', { roundName: 'Spring 2025' })}</h1>`,
    );
    expect(confirmed.body).toMatch(/<html lang="pt">/);
    expect(confirmed.body).toContain(
      `<h1>${pt.text('sign-up-page.signedUpHeading', { roundName: 'Spring 2025' })}</h1>`,
    );
  });

  it('says a link does not work in the browser’s language, as no person is known', async () => {
    const s = site();

    const page = await s.request('GET', '/join/confirm', {
      query: 'token=forged',
      headers: { 'accept-language': 'es-MX,es;q=0.9' },
    });

    expect(page.statusCode).toBe(400);
    expect(page.body).toMatch(/<html lang="es">/);
    expect(page.body).toContain(`<h1>${es.text('sign-up-page.unusableTitle')}</h1>`);
  });

  it('names the round’s own programme, in the page’s language', async () => {
    const s = site({
      programme: { name: 'Nurses Connect', audience: { es: 'profesionales de enfermería' } },
    });

    const page = await s.request('GET', '/join/spring-2027', { query: 'lang=es' });
    const closed = await site({ registration: 'closed', programme: { name: 'Nurses Connect' } }).request(
      'GET',
      '/join/spring-2027',
    );

    expect(page.body).toContain(`<title>${title()} · Nurses Connect</title>`);
    expect(page.body).toContain('Nurses Connect pone en contacto a profesionales de enfermería');
    expect(page.body).not.toContain('Tandem');
    expect(closed.body).toContain('<title>Registration is closed · Nurses Connect</title>');
  });
});

describe('the script', () => {
  it('is served from our own origin for a year, under a name that changes with it', async () => {
    const s = site();

    const script = await s.request('GET', SIGN_UP_SCRIPT_PATH);
    const other = await s.request('GET', '/join/assets/other.js');

    expect(script.statusCode).toBe(200);
    expect(script.headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['Cache-Control']).toBe('public, max-age=31536000, immutable');
    expect(script.body).toContain("getElementById('timezone')");
    expect(other.statusCode).toBe(404);
  });
});

describe('createDeps', () => {
  const env = {
    TABLE_NAME: 'tandem-test',
    SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/tandem-send',
    COORDINATOR_EMAIL: 'coordinator@tandem.example',
    SIGNING_KEYS: JSON.stringify({ current: testKeys.current, ...testKeys.keys }),
  };

  it('builds the pages from the environment it is given, with the keys and the coordinator it names', async () => {
    const deps = await createDeps({ env, clients, clock: new VirtualClock('2027-03-01T09:00:00Z') });

    expect(deps.keys).toEqual(testKeys);
    expect(deps.coordinatorEmail).toBe('coordinator@tandem.example');
    expect(deps.newSignUpId()).toMatch(/^s[a-z2-7]{12}$/);
    expect(deps.newParticipantId()).toMatch(/^p[a-z2-7]{12}$/);
  });

  it('names every variable missing from its environment', async () => {
    await expect(
      createDeps({ env: {}, clients, clock: new VirtualClock('2027-03-01T09:00:00Z') }),
    ).rejects.toThrow(/TABLE_NAME: .*SEND_QUEUE_URL: .*COORDINATOR_EMAIL: /);
  });
});
