import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { logger } from '#adapters/logger';
import { translatorFor } from '#core/i18n';
import { RE_ENROL_LINK_DAYS, sealToken, signReEnrolToken } from '#core/link-token';
import type { Participant, Round } from '#core/model';
import { formValuesOf } from '#core/sign-up/form';
import { createHandler, type WebDeps } from '#handlers/web';
import { aParticipant, aRound, testKeys } from '../core/fixtures.ts';
import { NOW, signUpWorld } from '../use-cases/sign-up/sign-up-world.ts';
import { captureLogs, RecordingMetrics } from './recording-metrics.ts';

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

type Result = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string>; body: string };

/** Ana took part in an earlier round; her closing mail carried a re-enrolment link. */
const ana: Participant = aParticipant({
  seed: 'ana',
  name: 'Ana Silva',
  email: 'ana@example.org',
  country: 'BR',
  languages: ['pt', 'en'],
  timezone: 'America/Sao_Paulo',
  sector: 'academic',
  careerStage: 'early',
  interests: ['reading clubs'],
});

/** The link's token as the closing mail carries it: issued a month before NOW. */
const linkToken = (participantId = ana.id, issuedAt = Date.parse('2027-02-01T00:00:00Z') / 1000) =>
  signReEnrolToken({ participantId, issuedAt }, testKeys);

/**
 * The web function on fakes, with Ana on file and the round `spring-2027` as given (by default a draft
 * taking sign-ups), and whatever other rounds.
 */
const site = (round: Partial<Round> = {}, others: Round[] = []) => {
  const world = signUpWorld(round);
  world.store.seed({ rounds: others });
  world.store.participants.set(ana.email, ana);
  const metrics = new RecordingMetrics();
  let bytes = 0;
  const deps: WebDeps = {
    ...world.deps,
    metrics,
    coordinatorEmail: 'coordinator@example.org',
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
      ...(body === undefined ? {} : { body, isBase64Encoded: false }),
    } as unknown as APIGatewayProxyEventV2;
    return (await handle(event)) as Result;
  };
  /** Opens the link, as a mail client does. */
  const open = (token = linkToken()) => request('GET', '/join/again', { query: `token=${token}` });
  /** Opens the link and presses the page's button, sending what the page's form holds, changed by `more`. */
  const press = async (more: Record<string, string | undefined> = {}, token = linkToken()) => {
    const page = await open(token);
    const cookie = (page.headers['Set-Cookie'] ?? '').split(';')[0] ?? '';
    const form = new URLSearchParams();
    // Hidden inputs and filled-in text inputs, as a browser posts them; checked radios and the selected
    // country and mail language.
    for (const [, name, value] of page.body.matchAll(/<input[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]*)"/g)) {
      const tag =
        page.body.match(new RegExp(`<input[^>]*\\bname="${name}"[^>]*value="${value}"[^>]*>`))?.[0] ?? '';
      if (/type="(radio|checkbox)"/.test(tag) && !/ checked/.test(tag)) continue;
      form.append(name ?? '', decode(value ?? ''));
    }
    const country = /<option value="([A-Z]{2})" selected>/.exec(page.body)?.[1];
    if (country) form.set('country', country);
    const mailLanguage = /<option value="([a-z]{2})" selected>/.exec(page.body)?.[1];
    if (mailLanguage) form.set('mail_language', mailLanguage);
    for (const [name, value] of Object.entries(more)) {
      if (value === undefined) form.delete(name);
      else form.set(name, value);
    }
    return { page, result: await request('POST', '/join/again', { form, cookie }) };
  };
  return { ...world, metrics, request, open, press };
};

/** HTML attribute values as the browser reads them. */
const decode = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

const inputValue = (html: string, name: string) =>
  decode(new RegExp(`<input[^>]*\\bname="${name}"[^>]*\\bvalue="([^"]*)"`).exec(html)?.[1] ?? '');

describe('GET /join/again, a round taking sign-ups', () => {
  it('shows the form of the open round, filled in from the profile, the address as text; changes nothing', async () => {
    const s = site();

    const page = await s.open();

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Sign up for Spring 2025</h1>');
    expect(page.body).toContain('<p>ana@example.org</p>');
    expect(page.body).not.toMatch(/name="email"/);
    expect(inputValue(page.body, 'name')).toBe('Ana Silva');
    expect(inputValue(page.body, 'languages')).toBe('pt; en');
    expect(inputValue(page.body, 'interests')).toBe('reading clubs');
    expect(page.body).toContain('<option value="BR" selected>Brazil</option>');
    expect(page.body).toContain('value="academic" checked');
    expect(inputValue(page.body, 'round')).toBe('spring-2027');
    expect(page.headers['Set-Cookie']).toMatch(/^tandem-form=/);
    expect(page.headers['Referrer-Policy']).toBe('no-referrer');
    expect(page.body).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(s.store.members.size).toBe(0);
    expect(s.signUps.waiting.size).toBe(0);
  });

  it('chooses, among the rounds taking sign-ups, the one that starts first', async () => {
    const s = site({ startDate: '2027-09-06' }, [
      aRound({
        id: 'early-2027',
        name: 'Early 2027',
        startDate: '2027-04-05',
        status: 'draft',
        registration: 'open',
      }),
    ]);

    const page = await s.open();

    expect(page.body).toContain('<h1>Sign up for Early 2027</h1>');
    expect(inputValue(page.body, 'round')).toBe('early-2027');
  });
});

describe('POST /join/again, the form', () => {
  it('registers the person in the round at once, as a confirmed sign-up, and says they are signed up', async () => {
    const s = site();

    const { result } = await s.press({ consent: 'yes', organisation: 'Biblioteca Nacional' });

    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('<h1>You are signed up for Spring 2025</h1>');
    expect(
      s.store.members.get('spring-2027')?.map((m) => [m.id, m.email, m.organisation, m.registeredVia]),
    ).toEqual([[ana.id, 'ana@example.org', 'Biblioteca Nacional', 'sign-up']]);
    expect(s.queue.jobs).toEqual([]);
    expect(s.metrics.total('SignUps', { outcome: 're-enrolled' })).toBe(1);
  });

  it('keeps the language of their emails as the profile has it, or as they change it', async () => {
    const kept = site();
    const changed = site();
    for (const s of [kept, changed]) s.store.participants.set(ana.email, { ...ana, mailLanguage: 'es' });

    const { page } = await kept.press({ consent: 'yes' });
    await changed.press({ consent: 'yes', mail_language: 'fr' });

    expect(page.body).toContain('<option value="es" selected>Español</option>');
    expect(kept.store.members.get('spring-2027')?.map((m) => m.mailLanguage)).toEqual(['es']);
    expect(changed.store.members.get('spring-2027')?.map((m) => m.mailLanguage)).toEqual(['fr']);
    expect(changed.store.participants.get(ana.email)?.mailLanguage).toBe('fr');
  });

  it('registers the profile’s address, whatever address is posted with the form', async () => {
    const s = site();

    await s.press({ consent: 'yes', email: 'mallory@example.org' });

    expect(s.store.members.get('spring-2027')?.map((m) => m.email)).toEqual(['ana@example.org']);
    expect([...s.store.participants.keys()]).toEqual(['ana@example.org']);
  });

  it('shows the form again with its errors, the values kept, answering 400, and registers nobody', async () => {
    const s = site();

    const { result } = await s.press({ name: 'Ana <b>S</b>', languages: '' });

    expect(result.statusCode).toBe(400);
    expect(result.body).toContain('<title>Error: Sign up for Spring 2025 · Tandem</title>');
    expect(result.body).toContain('<a href="#languages">');
    expect(result.body).toContain('<a href="#consent">');
    expect(inputValue(result.body, 'name')).toBe('Ana <b>S</b>');
    expect(result.body).not.toContain('<b>S</b>');
    expect(result.body).toContain('<p>ana@example.org</p>');
    expect(s.store.members.size).toBe(0);
    expect(s.metrics.total('SignUps', { outcome: 'invalid' })).toBe(1);
  });

  it('shows the form again, 403, values kept, registering nobody, without a valid form token', async () => {
    const s = site();

    const { result } = await s.press({ consent: 'yes', name: 'Ana S.', form_token: 'forged' });

    expect(result.statusCode).toBe(403);
    expect(result.body).toContain('This form had expired, or was not sent from our page.');
    expect(inputValue(result.body, 'name')).toBe('Ana S.');
    expect(s.store.members.size).toBe(0);
    expect(s.metrics.total('SignUps', { outcome: 'refused-form' })).toBe(1);
  });

  it('refuses once the round the form showed stopped taking sign-ups', async () => {
    const s = site();
    const page = await s.open();
    await s.store.setRegistration('spring-2027', 'closed');
    const cookie = (page.headers['Set-Cookie'] ?? '').split(';')[0] ?? '';

    const result = await s.request('POST', '/join/again', {
      form: new URLSearchParams({
        ...formValuesOf(ana),
        consent: 'yes',
        token: linkToken(),
        intent: 'register',
        round: 'spring-2027',
        form_token: inputValue(page.body, 'form_token'),
      }),
      cookie,
    });

    expect(result.statusCode).toBe(410);
    expect(result.body).toContain('Registration for Spring 2025 is closed');
    expect(s.store.members.size).toBe(0);
  });

  it('answers 404 for a round named in the form that does not exist', async () => {
    const s = site();

    const { result } = await s.press({ consent: 'yes', round: 'no-such-round' });

    expect(result.statusCode).toBe(404);
    expect(s.store.members.size).toBe(0);
  });
});

describe('no round taking sign-ups: the waiting list', () => {
  it('offers one button on GET, changing nothing', async () => {
    const s = site({ registration: 'closed' });

    const page = await s.open();

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>No round is taking sign-ups yet</h1>');
    expect(page.body).toContain('<button type="submit">Tell me when the next round opens</button>');
    expect(page.body.match(/<button/g)).toHaveLength(1);
    expect(s.signUps.waiting.size).toBe(0);
  });

  it('puts the person on the list with the button, once however often it is pressed', async () => {
    const s = site({ registration: 'closed' });
    const page = await s.open();
    const press = () =>
      s.request('POST', '/join/again', {
        form: new URLSearchParams({
          token: linkToken(),
          intent: 'wait',
          form_token: inputValue(page.body, 'form_token'),
        }),
        cookie: (page.headers['Set-Cookie'] ?? '').split(';')[0] ?? '',
      });

    const first = await press();
    const second = await press();
    const openedAgain = await s.open();

    for (const result of [first, second, openedAgain]) {
      expect(result.statusCode).toBe(200);
      expect(result.body).toContain('<h1>We will tell you when the next round opens</h1>');
      expect(result.body).not.toContain('<button');
    }
    expect(await s.signUps.listWaiting(new Date(NOW))).toEqual([
      expect.objectContaining({ participantId: ana.id, addedAt: NOW }),
    ]);
    expect(s.metrics.total('SignUps', { outcome: 'wait-listed' })).toBe(2);
  });

  it('refuses the button without a valid form token, 403, keeping nobody', async () => {
    const s = site({ registration: 'closed' });

    const { result } = await s.press({ form_token: undefined });

    expect(result.statusCode).toBe(403);
    expect(result.body).toContain('This form had expired, or was not sent from our page.');
    expect(result.body).toContain('Tell me when the next round opens');
    expect(s.signUps.waiting.size).toBe(0);
  });

  it('shows the open round’s form instead when one opened after the page was shown', async () => {
    const s = site({ registration: 'closed' });
    const page = await s.open();
    await s.store.setRegistration('spring-2027', 'open');
    const cookie = (page.headers['Set-Cookie'] ?? '').split(';')[0] ?? '';

    const result = await s.request('POST', '/join/again', {
      form: new URLSearchParams({
        token: linkToken(),
        intent: 'wait',
        form_token: inputValue(page.body, 'form_token'),
      }),
      cookie,
    });

    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('<h1>Sign up for Spring 2025</h1>');
    expect(s.signUps.waiting.size).toBe(0);
  });
});

describe('a re-enrolment link that does not work', () => {
  it('answers 400 for a forged or malformed link, 410 for an expired one, the same page, changing nothing', async () => {
    const s = site({ registration: 'closed' });
    const real = linkToken();
    const forged = `${real.slice(0, -2)}${real.endsWith('AA') ? 'BB' : 'AA'}`;
    const asALink = sealToken('link', `${ana.id}|${Date.parse(NOW) / 1000}`, testKeys);
    const expired = linkToken(ana.id, Date.parse(NOW) / 1000 - RE_ENROL_LINK_DAYS * 86_400);

    const pages = {
      forged: await s.open(forged),
      otherPurpose: await s.open(asALink),
      garbage: await s.request('GET', '/join/again', { query: 'token=<script>' }),
      missing: await s.request('GET', '/join/again'),
      forgedPost: (await s.press({}, forged)).result,
      expired: await s.open(expired),
    };

    for (const [name, page] of Object.entries(pages)) {
      expect(page.statusCode, name).toBe(name === 'expired' ? 410 : 400);
      expect(page.body, name).toContain('<h1>This link does not work</h1>');
      expect(page.body, name).not.toContain('<script>');
      expect(page.body, name).not.toContain('<form');
    }
    expect(s.signUps.waiting.size).toBe(0);
  });

  it.each([
    ['forgotten', (s: ReturnType<typeof site>) => s.store.forgotten.add(ana.id)],
    [
      'suppressed',
      (s: ReturnType<typeof site>) => {
        s.store.participants.set(ana.email, { ...ana, status: 'suppressed' });
      },
    ],
    ['never registered', (s: ReturnType<typeof site>) => s.store.participants.clear()],
  ])(
    'gives someone %s the page an expired link gets, registering and keeping nothing',
    async (_who, change) => {
      for (const round of [{}, { registration: 'closed' as const }]) {
        const s = site(round);
        const expired = await s.open(linkToken(ana.id, Date.parse(NOW) / 1000 - RE_ENROL_LINK_DAYS * 86_400));
        change(s);

        const page = await s.open();
        const posted = await s.request('POST', '/join/again', {
          form: new URLSearchParams({
            token: linkToken(),
            intent: 'register',
            round: 'spring-2027',
            consent: 'yes',
          }),
        });

        expect(page.statusCode).toBe(410);
        expect(page.body).toBe(expired.body);
        expect(posted.statusCode).toBe(410);
        expect(s.store.members.size).toBe(0);
        expect(s.signUps.waiting.size).toBe(0);
      }
    },
  );

  it('logs ids and outcomes only: no address, name or IP address', async () => {
    const s = site();

    const { lines } = await captureLogs(logger, async () => {
      await s.press({ consent: 'yes' });
      await s.open('forged.token');
    });

    const logged = JSON.stringify(lines);
    expect(lines.length).toBeGreaterThan(0);
    expect(logged).not.toMatch(/ana@example|Ana Silva|203\.0\.113\.7/i);
    expect(logged).toContain(ana.id);
  });
});

describe('the reserved path', () => {
  it('is never a round’s sign-up page', async () => {
    const s = site({}, [aRound({ id: 'again', status: 'draft', registration: 'open' })]);

    const page = await s.request('GET', '/join/again');

    expect(page.statusCode).toBe(400);
    expect(page.body).not.toContain('<h1>Sign up for');
  });
});

describe('the language of the re-enrolment pages', () => {
  const fr = translatorFor('fr');
  const pt = translatorFor('pt');
  /** Ana, who reads her mail in French, and a browser that asks for Spanish. */
  const inFrench = (round: Partial<Round> = {}) => {
    const s = site(round);
    s.store.participants.set(ana.email, { ...ana, mailLanguage: 'fr' });
    return s;
  };
  const spanishBrowser = { 'accept-language': 'es' };

  it('shows the form in the person’s language, whatever the browser or the address asks for', async () => {
    const s = inFrench();

    const page = await s.request('GET', '/join/again', {
      query: `token=${linkToken()}&lang=pt`,
      headers: spanishBrowser,
    });

    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(page.body).toContain(
      `<h1>${fr.text('sign-up-page.formTitle', { roundName: 'Spring 2025' })}</h1>`,
    );
    expect(page.body).toContain('<option value="fr" selected>Français</option>');
    expect(page.body).toContain('<option value="BR" selected>Brésil</option>');
    expect(page.body).toContain('<a href="/join/spring-2027?lang=fr">');
  });

  it('keeps it in the page with the errors, and says they are signed up in it', async () => {
    const s = inFrench();

    const { result: refused } = await s.press({ languages: '' });
    const { result: registered } = await s.press({ consent: 'yes' });

    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(/<html lang="fr">/);
    expect(refused.body).toContain(`<a href="#languages">${fr.text('sign-up-page.missingLanguages')}</a>`);
    expect(registered.statusCode).toBe(200);
    expect(registered.body).toMatch(/<html lang="fr">/);
    expect(registered.body).toContain(
      `<h1>${fr.text('sign-up-page.signedUpHeading', { roundName: 'Spring 2025' })}</h1>`,
    );
  });

  it('names the round’s own programme', async () => {
    const s = inFrench({ programme: { name: 'Nurses Connect' } });

    const page = await s.open();

    expect(page.body).toContain(' · Nurses Connect</title>');
    expect(page.body).toContain('J’accepte que Nurses Connect utilise mes informations');
  });

  it('offers the waiting list, and confirms a place on it, in the person’s language', async () => {
    const s = site({ registration: 'closed' });
    s.store.participants.set(ana.email, { ...ana, mailLanguage: 'pt' });

    const { page, result } = await s.press();

    expect(page.body).toMatch(/<html lang="pt">/);
    expect(page.body).toContain(`<h1>${pt.text('sign-up-page.noRoundTitle')}</h1>`);
    expect(page.body).toContain(`<button type="submit">${pt.text('sign-up-page.waitButton')}</button>`);
    expect(result.statusCode).toBe(200);
    expect(result.body).toMatch(/<html lang="pt">/);
    expect(result.body).toContain(`<h1>${pt.text('sign-up-page.waitingHeading')}</h1>`);
  });

  it('says a link does not work in the browser’s language, as no person is known', async () => {
    const s = inFrench();

    const page = await s.request('GET', '/join/again', { query: 'token=forged', headers: spanishBrowser });

    expect(page.statusCode).toBe(400);
    expect(page.body).toMatch(/<html lang="es">/);
    expect(page.body).toContain(translatorFor('es').text('sign-up-page.unusableReEnrolmentHelp'));
  });
});
