import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { logger } from '#adapters/logger';
import { csrfInput } from '#core/console/layout';
import {
  LINKS_PER_ADDRESS,
  SIGN_INS_PER_CLIENT_PER_HOUR,
  signInLinkToken,
  tokenHash,
} from '#core/console/sign-in';
import type { ConsoleSignInJob } from '#core/model';
import type { ConsoleDeps, ConsoleEnvironment } from '#handlers/console/context';
import { audit, requireSession, roundOfPath } from '#handlers/console/session';
import { signInRoutes } from '#handlers/console/sign-in';
import { readRequest } from '#handlers/http-request';
import { VirtualClock } from '#local/clock';
import { aRound, testKeys } from '../core/fixtures.ts';
import { InMemoryAddressChange } from '../use-cases/fake-address-change.ts';
import { InMemoryAuditTrail, InMemoryConsoleAuth } from '../use-cases/fake-console.ts';
import { InMemoryLifecycle, RecordingJobQueue } from '../use-cases/fake-lifecycle.ts';
import { InMemoryPersonalData, RecordingEraser } from '../use-cases/fake-personal-data.ts';
import { InMemoryRateLimits, InMemorySignUps } from '../use-cases/fake-sign-ups.ts';
import { InMemoryLedger, InMemorySendingGate, InMemoryStore, RecordingBus } from '../use-cases/fakes.ts';
import { countingRandomBytes, silenceLogs } from './console-harness.ts';
import { captureLogs, RecordingMetrics } from './recording-metrics.ts';

silenceLogs();

const NOW = '2027-03-01T09:00:00.000Z';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** On the stage's coordinator list: every round. */
const CHIEF = 'chief@tandem.example';
/** The coordinator of spring-2027 only. */
const ANA = 'ana@library.example';
/** Nobody's coordinator. */
const STRANGER = 'someone@example.net';

const spring = aRound({ id: 'spring-2027', name: 'Spring 2027', coordinatorEmail: ANA });
const autumn = aRound({ id: 'autumn-2027', name: 'Autumn 2027', coordinatorEmail: 'bo@library.example' });

type Bindings = { event: APIGatewayProxyEventV2 };

/**
 * The console's sign-in routes and session middleware on fakes, mounted as app.ts mounts them (its first
 * middleware reads the Lambda event for `secure` and `client`), with two pages of a round standing in for
 * the page routes others write: one that reads a round through `roundOfPath`, one that changes it and
 * records that with `audit`.
 */
const consoleOnFakes = () => {
  const clock = new VirtualClock(NOW);
  const rounds = new InMemoryLifecycle({ rounds: [spring, autumn] });
  const store = new InMemoryStore();
  const consoleAuth = new InMemoryConsoleAuth();
  const trail = new InMemoryAuditTrail();
  const limits = new InMemoryRateLimits();
  const queue = new RecordingJobQueue();
  const metrics = new RecordingMetrics();
  const deps: ConsoleDeps = {
    rounds,
    participants: store,
    lifecycle: rounds,
    proposals: rounds,
    signUps: new InMemorySignUps(),
    ledger: new InMemoryLedger(),
    sendingGate: new InMemorySendingGate(),
    addresses: new InMemoryAddressChange(),
    personalData: new InMemoryPersonalData(store),
    membership: store,
    rawMailEraser: new RecordingEraser(),
    mailFrom: 'rounds@tandem.example',
    replyDomain: 'reply.tandem.example',
    limits,
    consoleAuth,
    audit: trail,
    queue,
    bus: new RecordingBus(),
    keys: testKeys,
    coordinators: [CHIEF],
    linksBaseUrl: 'https://join.example.org',
    clock,
    metrics,
    randomBytes: countingRandomBytes(),
  };

  const app = new Hono<ConsoleEnvironment & { Bindings: Bindings }>().basePath('/console');
  app.use(async (c, next) => {
    const request = readRequest(c.env.event);
    c.set('secure', request.secure);
    c.set('client', request.client);
    await next();
  });
  app.route('/', signInRoutes(deps));
  app.use(requireSession(deps));
  app.get('/rounds', (c) => c.html(`<h1>Your rounds</h1><p>${c.get('coordinator').email}</p>`));
  app.get('/rounds/:roundId', roundOfPath(deps), (c) => {
    const { round } = c.var;
    return c.html(`<h1>${round.name}</h1>${csrfInput(c.get('csrfToken'))}`);
  });
  app.post('/rounds/:roundId/close', roundOfPath(deps), async (c) => {
    const { round } = c.var;
    await audit(c, deps, { roundId: round.id, action: 'registration-close', detail: 'registration closed' });
    return c.redirect(`/console/rounds/${round.id}`, 303);
  });

  const request = async (
    method: string,
    path: string,
    options: { form?: Record<string, string>; cookies?: string[]; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = {
      ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...(options.cookies?.length ? { cookie: options.cookies.join('; ') } : {}),
      ...options.headers,
    };
    const event = {
      headers,
      requestContext: { http: { method, path, sourceIp: options.headers?.['x-test-ip'] ?? '203.0.113.7' } },
    } as unknown as APIGatewayProxyEventV2;
    const response = await app.request(
      `http://console.test${path}`,
      { method, headers, ...(options.form ? { body: new URLSearchParams(options.form).toString() } : {}) },
      { event },
    );
    return {
      status: response.status,
      location: response.headers.get('location'),
      retryAfter: response.headers.get('retry-after'),
      setCookies: response.headers.getSetCookie(),
      body: await response.text(),
    };
  };

  return { deps, clock, consoleAuth, trail, queue, metrics, request };
};

type Console = ReturnType<typeof consoleOnFakes>;
type Answer = Awaited<ReturnType<Console['request']>>;

/** A browser on the console: keeps the cookies it is given, sends them back, posts forms as they are. */
const browser = (site: Console, headers: Record<string, string> = {}) => {
  const jar = new Map<string, string>();
  const keep = (answer: Answer) => {
    for (const cookie of answer.setCookies) {
      const [pair = '', ...attributes] = cookie.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (attributes.some((a) => a.trim() === 'Max-Age=0')) jar.delete(name);
      else jar.set(name, value);
    }
    return answer;
  };
  const cookies = () => [...jar].map(([name, value]) => `${name}=${value}`);
  return {
    jar,
    get: async (path: string) => keep(await site.request('GET', path, { cookies: cookies(), headers })),
    post: async (path: string, form: Record<string, string>, more: Record<string, string> = {}) =>
      keep(await site.request('POST', path, { form, cookies: cookies(), headers: { ...headers, ...more } })),
  };
};
type Browser = ReturnType<typeof browser>;

const hidden = (body: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]+)"`).exec(body)?.[1] ?? '';

/** Opens the sign-in form and asks for a link for `email`. */
const askForLink = async (b: Browser, email: string) => {
  const form = await b.get('/console/sign-in');
  return b.post('/console/sign-in', { email, form_token: hidden(form.body, 'form_token') });
};

/** The token of the link the last queued job is for, as the sender makes it. */
const lastLinkToken = (site: Console) => {
  const job = site.queue.jobs.at(-1) as ConsoleSignInJob | undefined;
  if (job?.kind !== 'console-sign-in') throw new Error('no sign-in link was queued');
  return signInLinkToken({ id: job.linkId, expiresAt: new Date(job.expiresAt * 1000) }, testKeys);
};

/** Opens a sign-in link and presses its button. */
const followLink = async (b: Browser, token: string) => {
  const page = await b.get(`/console/sign-in/${token}`);
  return b.post(`/console/sign-in/${token}`, { form_token: hidden(page.body, 'form_token') });
};

/** Asks for a link for `email`, follows it and signs in: the browser then holds the session. */
const signIn = async (site: Console, email: string, b = browser(site)) => {
  await askForLink(b, email);
  const answer = await followLink(b, lastLinkToken(site));
  expect(answer.status).toBe(303);
  return b;
};

const csrfOf = async (b: Browser) => hidden((await b.get('/console/rounds/spring-2027')).body, 'csrf_token');

describe('GET /console', () => {
  it('shows the sign-in form to a visitor without a session, with a form token and its cookie', async () => {
    const site = consoleOnFakes();

    const page = await site.request('GET', '/console');

    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Sign in to the console</h1>');
    expect(page.body).toContain('<form method="post" action="/console/sign-in" novalidate>');
    expect(hidden(page.body, 'form_token')).not.toBe('');
    expect(page.setCookies).toEqual([
      expect.stringMatching(/^tandem-form=[\w-]{22}; Path=\/; HttpOnly; SameSite=Strict$/),
    ]);
  });

  it('sends a signed-in coordinator on to their rounds', async () => {
    const site = consoleOnFakes();
    const b = await signIn(site, CHIEF);

    const page = await b.get('/console');

    expect(page.status).toBe(303);
    expect(page.location).toBe('/console/rounds');
  });
});

describe('GET /console/sign-in', () => {
  it('asks for one address, labelled and hinted, as the GOV.UK pattern does', async () => {
    const site = consoleOnFakes();

    const page = await site.request('GET', '/console/sign-in');

    expect(page.status).toBe(200);
    expect(page.body).toContain('<label for="email">Email address</label>');
    expect(page.body).toContain(
      '<input id="email" name="email" type="email" value="" aria-describedby="email-hint" autocomplete="email" spellcheck="false">',
    );
    expect(page.body).toContain('<button type="submit">Email me a sign-in link</button>');
  });
});

describe('POST /console/sign-in', () => {
  it('stores a link for a stage coordinator by its token’s hash and queues its mail with ids only', async () => {
    const site = consoleOnFakes();

    const page = await askForLink(browser(site), CHIEF);

    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Check your inbox</h1>');
    expect(page.body).toContain(`<strong>${CHIEF}</strong>`);
    const [job] = site.queue.jobs;
    expect(job).toEqual({
      v: 1,
      kind: 'console-sign-in',
      linkId: expect.stringMatching(/^[\w-]{22}$/),
      expiresAt: Date.parse(NOW) / 1000 + 15 * 60,
    });
    expect(JSON.stringify(job)).not.toContain('@');
    const token = lastLinkToken(site);
    expect([...site.consoleAuth.links.keys()]).toEqual([tokenHash(token)]);
    expect(site.consoleAuth.links.get(tokenHash(token))).toMatchObject({ email: CHIEF });
    expect(site.metrics.total('ConsoleSignIns', { outcome: 'queued' })).toBe(1);
  });

  it('sends a link to a round’s own coordinator, whatever the case of the typed address', async () => {
    const site = consoleOnFakes();

    await askForLink(browser(site), 'Ana@Library.Example');

    expect(site.queue.jobs).toHaveLength(1);
    expect([...site.consoleAuth.links.values()]).toEqual([expect.objectContaining({ email: ANA })]);
  });

  it('answers an address that may not sign in exactly as one that may, and sends it nothing', async () => {
    const site = consoleOnFakes();

    const listed = await askForLink(browser(site), CHIEF);
    const unlisted = await askForLink(browser(site), STRANGER);

    expect(unlisted.status).toBe(listed.status);
    expect(unlisted.body.replace(STRANGER, 'ADDRESS')).toBe(listed.body.replace(CHIEF, 'ADDRESS'));
    expect(site.queue.jobs).toHaveLength(1);
    expect(site.consoleAuth.links.size).toBe(1);
    expect(site.metrics.total('ConsoleSignIns', { outcome: 'unlisted' })).toBe(1);
  });

  it.each([
    ['', 'Enter your email address'],
    ['chief@', 'Enter an email address in the correct format, like name@example.org'],
  ])('shows the form again for the address %j, the error tied to the input (400)', async (typed, message) => {
    const site = consoleOnFakes();

    const page = await askForLink(browser(site), typed);

    expect(page.status).toBe(400);
    expect(page.body).toContain('<title>Error: Sign in · Console · Tandem</title>');
    expect(page.body).toContain(`<li><a href="#email">${message}</a></li>`);
    expect(page.body).toContain(
      `<span class="message" id="email-error"><span class="hidden-text">Error: </span>${message}</span>`,
    );
    expect(page.body).toContain(
      `value="${typed}" aria-describedby="email-hint email-error" aria-invalid="true"`,
    );
    expect(site.queue.jobs).toHaveLength(0);
  });

  it('refuses a post without the form token of its page (403): nothing is sent', async () => {
    const site = consoleOnFakes();

    const page = await site.request('POST', '/console/sign-in', { form: { email: CHIEF } });

    expect(page.status).toBe(403);
    expect(page.body).toContain('This form had expired, or was not sent from our page.');
    expect(page.body).toContain(`value="${CHIEF}"`);
    expect(site.queue.jobs).toHaveLength(0);
  });

  it(`sends one address at most ${LINKS_PER_ADDRESS} links in 15 minutes, answering the same after that`, async () => {
    const site = consoleOnFakes();
    const b = browser(site);

    const answers = [];
    for (let i = 0; i <= LINKS_PER_ADDRESS; i++) answers.push(await askForLink(b, CHIEF));
    const queuedInWindow = site.queue.jobs.length;
    site.clock.advance(15 * MINUTE);
    await askForLink(b, CHIEF);

    expect(answers.map((a) => a.status)).toEqual(Array(LINKS_PER_ADDRESS + 1).fill(200));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(queuedInWindow).toBe(LINKS_PER_ADDRESS);
    expect(site.queue.jobs).toHaveLength(LINKS_PER_ADDRESS + 1);
    expect(site.metrics.total('ConsoleSignIns', { outcome: 'limited' })).toBe(1);
  });

  it(`takes ${SIGN_INS_PER_CLIENT_PER_HOUR} requests an hour from one client, then answers 429`, async () => {
    const site = consoleOnFakes();
    const b = browser(site);

    for (let i = 0; i < SIGN_INS_PER_CLIENT_PER_HOUR; i++) await askForLink(b, `person${i}@example.net`);
    const over = await askForLink(b, CHIEF);
    const otherClient = await askForLink(browser(site, { 'x-test-ip': '198.51.100.9' }), CHIEF);

    expect(over.status).toBe(429);
    expect(over.retryAfter).toBe('3600');
    expect(over.body).toContain('<h1>Too many requests</h1>');
    expect(otherClient.status).toBe(200);
    expect(site.queue.jobs).toHaveLength(1);
  });
});

describe('a sign-in link', () => {
  it('opens a page with one button, and opening it changes nothing (mail scanners open links)', async () => {
    const site = consoleOnFakes();
    await askForLink(browser(site), CHIEF);
    const token = lastLinkToken(site);

    const page = await site.request('GET', `/console/sign-in/${token}`);

    expect(page.status).toBe(200);
    expect(page.body).toContain(`<form method="post" action="/console/sign-in/${token}">`);
    expect(page.body).toContain('<button type="submit">Sign in</button>');
    expect(site.consoleAuth.links.size).toBe(1);
    expect(site.consoleAuth.sessions.size).toBe(0);
  });

  it('signs in once: a session cookie (HttpOnly, SameSite=Strict, 12 hours), the rounds next, the audit trail told', async () => {
    const site = consoleOnFakes();
    const b = browser(site);
    await askForLink(b, CHIEF);

    const answer = await followLink(b, lastLinkToken(site));
    const rounds = await b.get('/console/rounds');

    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/console/rounds');
    expect(answer.setCookies).toEqual([
      expect.stringMatching(
        /^tandem-console=[\w-]+\.[\w-]{22}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/,
      ),
    ]);
    // Stored by the cookie value's hash only.
    const cookie = b.jar.get('tandem-console') ?? '';
    expect([...site.consoleAuth.sessions.keys()]).toEqual([tokenHash(cookie)]);
    expect(site.consoleAuth.links.size).toBe(0);
    expect(rounds.status).toBe(200);
    expect(rounds.body).toContain(CHIEF);
    expect(site.trail.entries).toEqual([{ actor: CHIEF, action: 'sign-in', at: new Date(NOW) }]);
  });

  it('sets a Secure __Host- cookie over HTTPS', async () => {
    const site = consoleOnFakes();
    const b = browser(site, { 'x-forwarded-proto': 'https' });
    await askForLink(b, CHIEF);

    const answer = await followLink(b, lastLinkToken(site));

    expect(answer.setCookies).toEqual([
      expect.stringMatching(
        /^__Host-tandem-console=[^;]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict; Secure$/,
      ),
    ]);
    expect((await b.get('/console/rounds')).status).toBe(200);
  });

  it('refuses the button without the form token of its page (403), and the link still works after', async () => {
    const site = consoleOnFakes();
    const b = browser(site);
    await askForLink(b, CHIEF);
    const token = lastLinkToken(site);

    const refused = await site.request('POST', `/console/sign-in/${token}`, { form: {} });
    const after = await followLink(b, token);

    expect(refused.status).toBe(403);
    expect(refused.body).toContain('<button type="submit">Sign in</button>');
    expect(refused.setCookies).toEqual([expect.stringMatching(/^tandem-form=/)]);
    expect(after.status).toBe(303);
  });

  describe('that does not work gets one page whatever the reason', () => {
    const unusable = async (how: 'forged' | 'expired' | 'reused') => {
      const site = consoleOnFakes();
      const b = browser(site);
      await askForLink(b, CHIEF);
      let token = lastLinkToken(site);
      if (how === 'forged') token = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      if (how === 'expired') site.clock.advance(15 * MINUTE);
      if (how === 'reused') await followLink(b, token);
      const sessions = site.consoleAuth.sessions.size;
      const page = await b.get(`/console/sign-in/${token}`);
      const pressed = await b.post(`/console/sign-in/${token}`, { form_token: 'whatever' });
      return { page, pressed, newSessions: site.consoleAuth.sessions.size - sessions };
    };

    it.each([
      ['forged', 400],
      ['expired', 410],
      ['reused', 410],
    ] as const)('a %s link: %i, "this link does not work", no session', async (how, status) => {
      const { page, pressed, newSessions } = await unusable(how);

      expect(page.status).toBe(status);
      expect(pressed.status).toBe(status);
      expect(page.body).toContain('<h1>This link does not work</h1>');
      expect(pressed.body).toBe(page.body);
      expect(pressed.setCookies.filter((c) => c.includes('tandem-console'))).toEqual([]);
      expect(newSessions).toBe(0);
    });

    it('with the same words for each', async () => {
      const bodies = await Promise.all(
        (['forged', 'expired', 'reused'] as const).map(async (how) => (await unusable(how)).page.body),
      );

      expect(new Set(bodies).size).toBe(1);
    });
  });

  it('signs nobody in whose address was taken off the list since the link was sent', async () => {
    const site = consoleOnFakes();
    const b = browser(site);
    await askForLink(b, CHIEF);
    site.deps.coordinators = [];

    const answer = await followLink(b, lastLinkToken(site));

    expect(answer.status).toBe(410);
    expect(site.consoleAuth.sessions.size).toBe(0);
  });
});

describe('the session', () => {
  it('sends a GET without a session to the sign-in page, and refuses anything else (403)', async () => {
    const site = consoleOnFakes();

    const get = await site.request('GET', '/console/rounds/spring-2027');
    const post = await site.request('POST', '/console/rounds/spring-2027/close', {
      form: { csrf_token: 'x' },
    });

    expect(get.status).toBe(303);
    expect(get.location).toBe('/console/sign-in');
    expect(post.status).toBe(403);
    expect(post.body).toContain('You are not signed in, or your session has ended.');
    expect(post.body).toContain('<h1>Sign in to the console</h1>');
    expect(site.trail.entries).toEqual([]);
  });

  it('is not opened by a forged cookie, nor by one whose 12 hours are over', async () => {
    const site = consoleOnFakes();
    const b = await signIn(site, CHIEF);
    const cookie = b.jar.get('tandem-console') ?? '';
    const forged = `tandem-console=${cookie.slice(0, -1)}${cookie.endsWith('A') ? 'B' : 'A'}`;

    const withForged = await site.request('GET', '/console/rounds', { cookies: [forged] });
    site.clock.advance(12 * HOUR - 1000);
    const lastSecond = await b.get('/console/rounds');
    site.clock.advance(1000);
    const over = await b.get('/console/rounds');

    expect(withForged.status).toBe(303);
    expect(lastSecond.status).toBe(200);
    expect(over.status).toBe(303);
    expect(over.location).toBe('/console/sign-in');
  });

  it('reads the coordinator list at each request: taken off it, a coordinator manages only their own rounds', async () => {
    const site = consoleOnFakes();
    const b = await signIn(site, CHIEF);
    const before = await b.get('/console/rounds/autumn-2027');

    site.deps.coordinators = [];
    const after = await b.get('/console/rounds/autumn-2027');

    expect(before.status).toBe(200);
    expect(after.status).toBe(403);
  });

  it('refuses a POST without the session’s CSRF token (403), and changes nothing', async () => {
    const site = consoleOnFakes();
    const b = await signIn(site, CHIEF);
    const other = await signIn(site, ANA);

    const without = await b.post('/console/rounds/spring-2027/close', {});
    const wrong = await b.post('/console/rounds/spring-2027/close', {
      csrf_token: 'forged.AAAAAAAAAAAAAAAAAAAAAA',
    });
    const anothers = await b.post('/console/rounds/spring-2027/close', { csrf_token: await csrfOf(other) });

    for (const answer of [without, wrong, anothers]) {
      expect(answer.status).toBe(403);
      expect(answer.body).toContain('<h1>This form could not be sent</h1>');
    }
    expect(site.trail.entries.filter((e) => e.action !== 'sign-in')).toEqual([]);
    expect(site.metrics.total('ConsoleSignIns', { outcome: 'refused-csrf' })).toBe(3);
  });

  it('takes the CSRF token in the form field or in the x-csrf-token header', async () => {
    const site = consoleOnFakes();
    const b = await signIn(site, CHIEF);
    const token = await csrfOf(b);

    const field = await b.post('/console/rounds/spring-2027/close', { csrf_token: token });
    const header = await b.post('/console/rounds/spring-2027/close', {}, { 'x-csrf-token': token });

    expect(field.status).toBe(303);
    expect(header.status).toBe(303);
  });
});

describe('roundOfPath', () => {
  it('lets a round’s coordinator read and change their round, and refuses them another (403)', async () => {
    const site = consoleOnFakes();
    const b = await signIn(site, ANA);
    const csrf = await csrfOf(b);

    const own = await b.get('/console/rounds/spring-2027');
    const read = await b.get('/console/rounds/autumn-2027');
    const change = await b.post('/console/rounds/autumn-2027/close', { csrf_token: csrf });

    expect(own.status).toBe(200);
    expect(own.body).toContain('<h1>Spring 2027</h1>');
    expect(read.status).toBe(403);
    expect(read.body).toContain('<h1>You cannot manage this round</h1>');
    expect(read.body).not.toContain('Autumn 2027');
    expect(change.status).toBe(403);
    expect(site.trail.entries.map((e) => e.action)).toEqual(['sign-in']);
  });

  it('lets a stage coordinator manage every round', async () => {
    const site = consoleOnFakes();
    const b = await signIn(site, CHIEF);

    expect((await b.get('/console/rounds/spring-2027')).status).toBe(200);
    expect((await b.get('/console/rounds/autumn-2027')).status).toBe(200);
  });

  it.each(['winter-2027', 'Not_A_Round'])(
    'answers 404 for %s, a round that does not exist',
    async (roundId) => {
      const site = consoleOnFakes();
      const b = await signIn(site, CHIEF);

      const page = await b.get(`/console/rounds/${roundId}`);

      expect(page.status).toBe(404);
      expect(page.body).toContain('<h1>There is no such round</h1>');
    },
  );
});

describe('the audit trail', () => {
  it('records who changed which round and when, and lists a round’s entries newest first', async () => {
    const site = consoleOnFakes();
    const b = await signIn(site, ANA);
    const csrf = await csrfOf(b);

    await b.post('/console/rounds/spring-2027/close', { csrf_token: csrf });
    site.clock.advance(MINUTE);
    await b.post('/console/rounds/spring-2027/close', { csrf_token: csrf });

    expect(await site.deps.audit.listForRound('spring-2027', 10)).toEqual([
      {
        roundId: 'spring-2027',
        actor: ANA,
        action: 'registration-close',
        detail: 'registration closed',
        at: new Date(Date.parse(NOW) + MINUTE),
      },
      {
        roundId: 'spring-2027',
        actor: ANA,
        action: 'registration-close',
        detail: 'registration closed',
        at: new Date(NOW),
      },
    ]);
    expect(await site.deps.audit.listForRound('autumn-2027', 10)).toEqual([]);
  });
});

describe('POST /console/sign-out', () => {
  it('ends the session server-side, clears its cookie and goes to the sign-in page', async () => {
    const site = consoleOnFakes();
    const b = await signIn(site, CHIEF);
    const cookie = `tandem-console=${b.jar.get('tandem-console')}`;
    site.clock.advance(MINUTE);

    const answer = await b.post('/console/sign-out', { csrf_token: await csrfOf(b) });
    const replayed = await site.request('GET', '/console/rounds', { cookies: [cookie] });

    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/console/sign-in');
    expect(answer.setCookies).toEqual(['tandem-console=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict']);
    expect(site.consoleAuth.sessions.size).toBe(0);
    expect(replayed.status).toBe(303);
    expect(site.trail.entries.map((e) => [e.action, e.actor, e.roundId])).toEqual([
      ['sign-in', CHIEF, undefined],
      ['sign-out', CHIEF, undefined],
    ]);
  });

  it('needs the session’s CSRF token: without it, 403 and still signed in', async () => {
    const site = consoleOnFakes();
    const b = await signIn(site, CHIEF);

    const answer = await b.post('/console/sign-out', {});

    expect(answer.status).toBe(403);
    expect((await b.get('/console/rounds')).status).toBe(200);
  });
});

describe('the logs', () => {
  it('carry no address on the way in and out', async () => {
    const site = consoleOnFakes();

    const { lines } = await captureLogs(logger, async () => {
      const b = await signIn(site, CHIEF);
      await askForLink(browser(site), STRANGER);
      await askForLink(browser(site), 'not-an-address@');
      await b.post('/console/rounds/spring-2027/close', {});
      await b.post('/console/sign-out', { csrf_token: await csrfOf(b) });
    });

    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(lines)).not.toMatch(/@|example\.net|tandem\.example/);
  });
});
