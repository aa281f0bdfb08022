import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertChromium, launchChromium } from './browser.ts';
import {
  CONSOLE,
  COORDINATOR,
  createRound,
  pageChecks,
  press,
  signIn,
  signInMails,
  startNextLinkWindow,
  textOf,
  uploadCohort,
} from './console-browser.ts';
import { clockNow, DAY, settle, stackEnv } from './support.ts';

/**
 * A coordinator's walk through the console on the local stack, in Chromium, with the keyboard only
 * (a link from a mail is opened by its address, as a mail client would): signing in by the mailed link,
 * creating a round, uploading the example cohort, opening registration, signing out. axe-core checks
 * every page on the way.
 */

const VIEWPORTS = [
  { width: 375, height: 800 },
  { width: 1280, height: 900 },
];

/** HTML attribute values as a browser reads them. */
const decode = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** A browser's cookie jar over fetch: keeps what it is given, sends it back, follows no redirect. */
const httpClient = () => {
  const jar = new Map<string, string>();
  const send = async (url: string, form?: Record<string, string>) => {
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') },
      ...(form ? { body: new URLSearchParams(form) } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return {
      status: response.status,
      location: response.headers.get('location'),
      html: await response.text(),
    };
  };
  const hidden = (html: string, name: string) =>
    decode(new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '');
  return { get: (url: string) => send(url), post: send, hidden };
};

describe('the console in a browser on the local stack', () => {
  let browser: Browser;

  beforeAll(async () => {
    assertChromium();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(VIEWPORTS)(
    'a coordinator signs in by the mailed link, creates a round, uploads its people, opens registration and signs out with the keyboard, every page accessible at $width px',
    async (viewport) => {
      // Prepare
      const roundId = `it-console-${viewport.width}`;
      const roundName = `Console journey ${viewport.width}`;
      const start = new Date((await clockNow()).getTime() + 30 * DAY).toISOString().slice(0, 10);
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const { visited, check, clean } = pageChecks(page, viewport.width);
      const text = (selector: string) => textOf(page, selector);

      // Act: the sign-in form, one address, the link from the newest sign-in mail and its one button
      await signIn(page, check);

      // Act: "Create a round", filled in by keyboard
      await createRound(page, { id: roundId, name: roundName, start, weeks: 12 }, check);

      // Act: its registrations, and the example cohort uploaded
      const uploaded = await uploadCohort(page, roundId, check);
      // A name is text: the apostrophe of "O'Connell" went out as an entity and reads as itself.
      expect(await page.locator('tbody th', { hasText: "Jess O'Connell" }).count()).toBe(1);
      expect(await uploaded?.text()).toContain('Jess O&#39;Connell');

      // Act: back to the round, and its registration opened
      expect(
        (await press(page, `nav[aria-label=Breadcrumb] a[href="/console/rounds/${roundId}"]`))?.status(),
      ).toBe(200);
      const opened = await press(page, '#registration-change');
      expect(opened?.status()).toBe(200);
      expect(await text('.notice')).toContain('Registration is open');
      const signUp = `${stackEnv.LINKS_BASE_URL}/join/${roundId}`;
      expect(await page.inputValue('#sign-up-address')).toBe(signUp);
      expect(await page.getAttribute('a:text("Open the sign-up page")', 'href')).toBe(signUp);
      await check('round page, registration open');

      // Act: signing out
      const signedOut = await press(page, 'header button[type=submit]');
      expect(signedOut?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe('/console/sign-in');
      expect(await text('h1')).toBe('Sign in to the console');
      await check('signed out');
      const after = await page.goto(`${CONSOLE}/rounds`);
      await context.close();

      // Assess
      expect(new URL(after?.url() ?? '').pathname).toBe('/console/sign-in');
      expect(visited).toEqual(clean());
    },
  );

  it('shows a name holding markup as text on the list, the edit page and the remove page', async () => {
    // Prepare: a signed-in session over HTTP, and a round
    const http = httpClient();
    const roundId = 'it-console-markup';
    const name = '<script>alert("x")</script> Ana';
    await startNextLinkWindow();
    const mailsBefore = (await signInMails(COORDINATOR)).count;
    const signInForm = await http.get(`${CONSOLE}/sign-in`);
    await http.post(`${CONSOLE}/sign-in`, {
      email: COORDINATOR,
      form_token: http.hidden(signInForm.html, 'form_token'),
    });
    await settle();
    const { count, link } = await signInMails(COORDINATOR);
    expect(count).toBe(mailsBefore + 1);
    if (!link) throw new Error('no sign-in link in the outbox');
    const linkPage = await http.get(link);
    await http.post(link, { form_token: http.hidden(linkPage.html, 'form_token') });
    const newRound = await http.get(`${CONSOLE}/rounds/new`);
    const csrf = http.hidden(newRound.html, 'csrf_token');
    const start = new Date((await clockNow()).getTime() + 30 * DAY).toISOString().slice(0, 10);
    const created = await http.post(`${CONSOLE}/rounds`, {
      csrf_token: csrf,
      round_id: roundId,
      start,
      weeks: '16',
    });
    expect(created.status).toBe(303);

    // Act: the person registered through the add form, then their pages
    const registrations = `${CONSOLE}/rounds/${roundId}/registrations`;
    const added = await http.post(`${registrations}/add`, {
      csrf_token: csrf,
      email: 'markup.ana@example.org',
      name,
      country: 'BR',
      languages: 'pt; en',
      timezone: 'America/Sao_Paulo',
      sector: 'public',
      career_stage: 'mid',
    });
    const list = await http.get(registrations);
    const edit = /href="([^"]+\/edit)"/.exec(list.html)?.[1] ?? '';
    const remove = /href="([^"]+\/remove)"/.exec(list.html)?.[1] ?? '';
    const pages = [
      list,
      await http.get(`${stackEnv.LINKS_BASE_URL}${edit}`),
      await http.get(`${stackEnv.LINKS_BASE_URL}${remove}`),
    ];

    // Assess
    expect(added.status).toBe(303);
    expect(pages.map((p) => p.status)).toEqual([200, 200, 200]);
    for (const { html } of pages) {
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ana');
      expect(html).not.toContain('<script');
    }
  });
});
