import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRound } from '#core/coordinator/new-round';
import { createRound } from '../../functions/use-cases/coordinator/create-round.ts';
import { assertChromium, launchChromium, seriousViolations, tabTo } from './browser.ts';
import {
  clockNow,
  DAY,
  launch,
  mailsTo,
  roundState,
  seedRound,
  sentMails,
  settle,
  stackEnv,
  store,
  tandem,
} from './support.ts';

/** HTML attribute values as a browser reads them. */
const decode = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** A page as a browser gets it: its status, HTML and the cookie it set. */
const get = async (url: string) => {
  const response = await fetch(url);
  return {
    status: response.status,
    html: await response.text(),
    cookie: response.headers.get('set-cookie')?.split(';')[0] ?? '',
  };
};

/**
 * What a browser posts when the page's button is pressed: its hidden and text inputs, its checked
 * radios, its selected country, and `more`.
 */
const press = async (page: { html: string; cookie: string }, more: Record<string, string> = {}) => {
  const form = new URLSearchParams();
  for (const [tag = '', name = '', value = ''] of page.html.matchAll(
    /<input[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]*)"[^>]*>/g,
  )) {
    if (/type="(radio|checkbox)"/.test(tag) && !/ checked/.test(tag)) continue;
    form.append(name, decode(value));
  }
  const country = /<option value="([A-Z]{2})" selected>/.exec(page.html)?.[1];
  if (country) form.set('country', country);
  for (const [name, value] of Object.entries(more)) form.set(name, value);
  const response = await fetch(`${stackEnv.LINKS_BASE_URL}/join/again`, {
    method: 'POST',
    headers: { cookie: page.cookie },
    body: form,
  });
  return { status: response.status, html: await response.text() };
};

const reEnrolLinkIn = (text: string | undefined) => {
  const link = /https?:\/\/\S+\/join\/again\?token=[\w.-]+/.exec(text ?? '')?.[0];
  if (!link) throw new Error('no re-enrolment link in the mail');
  return link;
};

const registration = async (roundId: string, action: 'open' | 'close') => {
  const result = await tandem('round', 'registration', roundId, action, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as unknown;
};

/** No round takes sign-ups, so a re-enrolment link offers the waiting list (other files' rounds may). */
const closeEveryRegistration = async () => {
  for (const open of await store.listRoundsTakingSignUps()) await store.setRegistration(open.id, 'closed');
};

/** A member of a round that has just ended, and the re-enrolment link of their closing mail. */
const endedRound = async (roundId: string) => {
  await seedRound(roundId, 2);
  await launch(roundId);
  await settle();
  const [member] = (await roundState(roundId)).members;
  if (!member) throw new Error('the seeded round has no members');
  expect((await tandem('round', 'close', roundId)).code).toBe(0);
  await settle();
  const closing = (await mailsTo([member.email])).find((mail) => mail.subject.includes('has ended'));
  return { member, link: reEnrolLinkIn(closing?.body.text) };
};

/** A new draft round starting in 40 days, named `name`. */
const nextRound = async (roundId: string, name: string) => {
  const startDate = new Date((await clockNow()).getTime() + 40 * DAY).toISOString().slice(0, 10);
  await createRound({ rounds: store }, newRound({ id: roundId, name, startDate, weeks: 16 }));
};

describe('re-enrolling in one click on the local stack', () => {
  it('puts a closing mail’s reader on the waiting list, mails them once when registration opens, and signs them up from that mail', async () => {
    // Prepare: a round that ends with its closing mail, and no round taking sign-ups
    await closeEveryRegistration();
    const { member, link } = await endedRound('it-again');

    // Act: the closing mail's link, while no round takes sign-ups
    const offer = await get(link);
    const waiting = await press(offer);

    // Act: a new round, opened twice
    await nextRound('it-again-next', 'Round after');
    const opened = await registration('it-again-next', 'open');
    await settle();
    await registration('it-again-next', 'close');
    const reopened = await registration('it-again-next', 'open');
    await settle();
    const news = (await mailsTo([member.email])).filter(
      (mail) => mail.subject === 'Round after is open for sign-ups',
    );

    // Act: the news's link, and the form's button
    const form = await get(reEnrolLinkIn(news[0]?.body.text));
    const signedUp = await press(form, { consent: 'yes' });

    // Assess: the waiting list
    expect(offer.status).toBe(200);
    expect(offer.html).toContain('<h1>No round is taking sign-ups yet</h1>');
    expect(waiting.status).toBe(200);
    expect(waiting.html).toContain('<h1>We will tell you when the next round opens</h1>');
    // Assess: one mail, however often registration opens
    expect(opened).toEqual({ roundId: 'it-again-next', registration: 'open', notified: 1 });
    expect(reopened).toEqual({ roundId: 'it-again-next', registration: 'open', notified: 0 });
    expect(news).toHaveLength(1);
    expect((await sentMails('it-again-next')).map((row) => [row.kind, row.participantId])).toEqual([
      ['next-round-open', member.id],
    ]);
    // Assess: the form, filled in from the profile, and the registration
    expect(form.status).toBe(200);
    expect(form.html).toContain('<h1>Sign up for Round after</h1>');
    expect(form.html).toContain(`<p>${member.email}</p>`);
    expect(form.html).toMatch(/<input id="name" name="name" type="text" value="[^"]+"/);
    expect(form.html).toContain(`<option value="${member.country}" selected>`);
    expect(signedUp.status).toBe(200);
    expect(signedUp.html).toContain('<h1>You are signed up for Round after</h1>');
    const status = await tandem('round', 'status', 'it-again-next', '--json');
    expect(JSON.parse(status.stdout).registrations).toEqual({ confirmed: 1, pending: 0, open: true });
    expect((await roundState('it-again-next')).members.map((m) => [m.id, m.email, m.name])).toEqual([
      [member.id, member.email, member.name],
    ]);
  });
});

describe('the re-enrolment pages in a browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    assertChromium();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Presses Enter on the page's button, and waits for the page it answers with. */
  const pressButton = async (page: Page) => {
    await tabTo(page, 'button[type=submit]');
    const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    return response?.status();
  };

  it.each([
    { width: 375, height: 800 },
    { width: 1280, height: 900 },
  ])('are used with the keyboard alone and accessible at $width px', async (viewport) => {
    // Prepare
    await closeEveryRegistration();
    const roundId = `it-again-${viewport.width}`;
    const { member, link } = await endedRound(roundId);
    const page = await (await browser.newContext({ viewport })).newPage();
    const visited: { page: string; violations: unknown[] }[] = [];
    const check = async (name: string) =>
      visited.push({ page: name, violations: await seriousViolations(page) });

    // Act: the waiting list, by the closing mail's link
    expect((await page.goto(link))?.status()).toBe(200);
    await check('no round open');
    const listed = await pressButton(page);
    await check('on the waiting list');

    // Act: the next round's form, by the news's link; consent, and the button
    await nextRound(`${roundId}-next`, `Round ${viewport.width} after`);
    expect((await tandem('round', 'registration', `${roundId}-next`, 'open')).code).toBe(0);
    await settle();
    const news = (await mailsTo([member.email])).find((mail) =>
      mail.subject.endsWith('is open for sign-ups'),
    );
    expect((await page.goto(reEnrolLinkIn(news?.body.text)))?.status()).toBe(200);
    await check('the form, filled in');
    await tabTo(page, '#consent');
    await page.keyboard.press('Space');
    const signedUp = await pressButton(page);
    await check('signed up');

    // Assess
    expect(listed).toBe(200);
    expect(signedUp).toBe(200);
    expect(await page.locator('h1').textContent()).toBe(
      `You are signed up for Round ${viewport.width} after`,
    );
    expect(visited).toEqual(
      ['no round open', 'on the waiting list', 'the form, filled in', 'signed up'].map((name) => ({
        page: name,
        violations: [],
      })),
    );
  });
});
