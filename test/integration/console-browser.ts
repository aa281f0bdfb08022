import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { SIGN_IN_LINK_MINUTES } from '#core/console/sign-in';
import { localNames } from '#local/config';
import { seriousViolations, tabTo } from './browser.ts';
import { advance, clockNow, mailsTo, settle, stackEnv } from './support.ts';

/**
 * What the console's browser tests share (console-journey, console-walk): the way in by the mailed link,
 * a round created and its people uploaded by keyboard, and the accessibility log of every page visited.
 */

export const CONSOLE = `${stackEnv.LINKS_BASE_URL}/console`;
/** On the local stack's coordinator list (`COORDINATORS`): the demo's coordinator. */
export const COORDINATOR = localNames.coordinatorEmail;
const SUBJECT = 'Your sign-in link to the Tandem console';
export const COHORT = 'examples/cohort.csv';

/**
 * An address gets at most 3 sign-in links in each 15-minute window (docs/console.md#rate-limits), and
 * other files sign the demo coordinator in too: moving the stack's clock to the start of the next
 * window gives this file's request its own allowance, in whatever order the files run.
 */
export const startNextLinkWindow = async () => {
  const window = SIGN_IN_LINK_MINUTES * 60_000;
  await advance(window - ((await clockNow()).getTime() % window) + 1_000);
};

/** The console's sign-in mails to `email` in the outbox, and the link of the newest. */
export const signInMails = async (email: string) => {
  const mails = (await mailsTo([email])).filter((mail) => mail.subject === SUBJECT);
  const link = /https?:\/\/\S+\/console\/sign-in\/[\w.-]+/.exec(mails.at(-1)?.body.text ?? '')?.[0];
  return { count: mails.length, link };
};

/** The rows of a registrations file: its lines but the header. */
export const rowsOf = async (file: string) => (await readFile(file, 'utf8')).trim().split('\n').length - 1;

/** Presses Enter on what `selector` names, reached by Tab, and waits for the page it leads to. */
export const press = async (page: Page, selector: string) => {
  await tabTo(page, selector);
  const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  return response;
};

/** Types into an input reached by Tab, replacing what it holds. */
export const typeInto = async (page: Page, selector: string, text: string) => {
  await tabTo(page, selector);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
};

/** The text of what `selector` names on the page. */
export const textOf = async (page: Page, selector: string) =>
  (await page.locator(selector).textContent()) ?? '';

/** One page visited: axe-core's serious and critical violations, and how far it scrolls sideways. */
export interface Visited {
  page: string;
  violations: unknown[];
  sideways: number;
}

/**
 * Checks every page the walk visits, by name: axe-core, and reflow (WCAG 1.4.10: a wide table scrolls
 * in its box, never the whole page). `visited` is what to compare, at the end, with `clean()`. A check
 * runs on `page`, or on another page of the walk (`on`).
 */
export const pageChecks = (page: Page, width: number) => {
  const visited: Visited[] = [];
  const check = async (name: string, on: Page = page) => {
    visited.push({
      page: name,
      violations: await seriousViolations(on),
      sideways: ((await on.evaluate('document.documentElement.scrollWidth')) as number) - width,
    });
  };
  const clean = () => visited.map(({ page }) => ({ page, violations: [], sideways: 0 }));
  return { visited, check, clean };
};

type Check = (name: string) => Promise<unknown>;

/**
 * Signs the demo coordinator in as they would: the sign-in form by keyboard, the link from the newest
 * sign-in mail in the outbox (opened by its address, as a mail client would), its one button. Starts a
 * new link window first, and ends on the rounds list.
 */
export const signIn = async (page: Page, check: Check) => {
  await startNextLinkWindow();
  const mailsBefore = (await signInMails(COORDINATOR)).count;
  const form = await page.goto(CONSOLE);
  expect(form?.status()).toBe(200);
  await check('sign-in form');
  await typeInto(page, '#email', COORDINATOR);
  const asked = await press(page, 'main button[type=submit]');
  expect(asked?.status()).toBe(200);
  expect(await textOf(page, 'h1')).toBe('Check your inbox');
  await check('check your inbox');
  await settle();

  const { count, link } = await signInMails(COORDINATOR);
  expect(count).toBe(mailsBefore + 1);
  if (!link) throw new Error('no sign-in link in the outbox');
  expect((await page.goto(link))?.status()).toBe(200);
  await check('sign-in link');
  const rounds = await press(page, 'main button[type=submit]');
  expect(rounds?.status()).toBe(200);
  expect(new URL(page.url()).pathname).toBe('/console/rounds');
  expect(await textOf(page, 'h1')).toBe('Rounds');
  await check('rounds list');
};

/** From the rounds list, "Create a round" filled in by keyboard; ends on the new round's page. */
export const createRound = async (
  page: Page,
  round: { id: string; name: string; start: string; weeks: number },
  check: Check,
) => {
  expect((await press(page, 'a[href="/console/rounds/new"]'))?.status()).toBe(200);
  await check('create a round');
  await typeInto(page, '#round_id', round.id);
  await typeInto(page, '#name', round.name);
  await typeInto(page, '#start', round.start);
  await typeInto(page, '#weeks', String(round.weeks));
  const created = await press(page, 'main button[type=submit]');
  expect(created?.status()).toBe(200);
  expect(new URL(page.url()).pathname).toBe(`/console/rounds/${round.id}`);
  expect(await textOf(page, 'h1')).toBe(round.name);
  expect(await textOf(page, '.notice')).toContain('Round created, as a draft with registration closed.');
  await check('round page, created');
};

/**
 * From a new round's page, its registrations, and `examples/cohort.csv` uploaded through the file input;
 * ends on the registrations list. Returns the upload's response.
 */
export const uploadCohort = async (page: Page, roundId: string, check: Check) => {
  const people = await rowsOf(COHORT);
  const registrations = `/console/rounds/${roundId}/registrations`;
  expect((await press(page, `main a[href="${registrations}"]`))?.status()).toBe(200);
  expect(await textOf(page, 'main')).toContain('Nobody is registered for this round yet.');
  await check('registrations, empty');
  expect((await press(page, `a[href="${registrations}/upload"]`))?.status()).toBe(200);
  await check('upload');
  await tabTo(page, '#file');
  await page.setInputFiles('#file', COHORT);
  const uploaded = await press(page, 'main button[type=submit]');
  expect(uploaded?.status()).toBe(200);
  expect(new URL(page.url()).pathname).toBe(registrations);
  expect(await textOf(page, '.notice')).toBe(`Registrations imported: ${people} new, 0 updated.`);
  expect(await page.locator('tbody tr').count()).toBe(people);
  expect(await textOf(page, 'main')).toContain(`${people} people on this page.`);
  await check('registrations, uploaded');
  return uploaded;
};
