import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRound } from '#core/coordinator/new-round';
import { translatorFor } from '#core/i18n';
import { createRound } from '../../functions/use-cases/coordinator/create-round.ts';
import { assertChromium, launchChromium, seriousViolations, tabTo } from './browser.ts';
import { clockNow, DAY, mailsTo, settle, stackEnv, store, tandem } from './support.ts';

/** Presses Enter on the form's button, and waits for the page it answers with. */
const pressButton = async (page: Page) => {
  await tabTo(page, 'button[type=submit]');
  const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  return response?.status();
};

/** Opens a draft round for sign-ups, as `tandem round create` and `tandem round registration open` do. */
const openRound = async (roundId: string) => {
  const startDate = new Date((await clockNow()).getTime() + 30 * DAY).toISOString().slice(0, 10);
  await createRound(
    { rounds: store },
    newRound({ id: roundId, name: `Round ${roundId}`, startDate, weeks: 16 }),
  );
  const opened = await tandem('round', 'registration', roundId, 'open', '--json');
  expect(opened.code).toBe(0);
};

const confirmationLink = async (email: string) => {
  const [mail] = await mailsTo([email]);
  const link = /https?:\/\/\S+\/join\/confirm\?token=[\w.-]+/.exec(mail?.body.text ?? '')?.[0];
  if (!link) throw new Error(`no confirmation link in the mail to ${email}`);
  return link;
};

const VIEWPORTS = [
  { width: 375, height: 800 },
  { width: 1280, height: 900 },
];

describe('signing up on the local stack', () => {
  let browser: Browser;

  beforeAll(async () => {
    assertChromium();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(VIEWPORTS)(
    'a person signs up with the keyboard only and confirms from the mail, every page accessible at $width px',
    async (viewport) => {
      // Prepare
      const roundId = `it-join-${viewport.width}`;
      const email = `ana.${viewport.width}@example.org`;
      await openRound(roundId);
      const context = await browser.newContext({ viewport, timezoneId: 'America/Sao_Paulo' });
      const page = await context.newPage();
      const visited: { page: string; violations: unknown[] }[] = [];
      const check = async (name: string) =>
        visited.push({ page: name, violations: await seriousViolations(page) });

      // Act: the form, filled in without the consent first
      const form = await page.goto(`${stackEnv.LINKS_BASE_URL}/join/${roundId}`);
      expect(form?.status()).toBe(200);
      await check('form');
      await tabTo(page, '#email');
      await page.keyboard.type(email);
      await tabTo(page, '#name');
      await page.keyboard.type('Ana <b>Silva</b>');
      await tabTo(page, '#country');
      await page.keyboard.type('Brazil');
      await tabTo(page, '#languages');
      await page.keyboard.type('pt; en');
      await tabTo(page, '#sector-public');
      await page.keyboard.press('Space');
      await tabTo(page, '#career_stage-student');
      await page.keyboard.press('ArrowRight');
      await tabTo(page, '#interests');
      await page.keyboard.type('outreach; digital archives');
      expect(await page.inputValue('#timezone')).toBe('America/Sao_Paulo');
      expect(await page.inputValue('#country')).toBe('BR');
      expect(await pressButton(page)).toBe(400);
      await check('form with an error');
      expect(await page.getAttribute('#consent', 'aria-describedby')).toContain('consent-error');
      expect(await page.inputValue('#email')).toBe(email);

      // Act: consent given, sent again
      await tabTo(page, '#consent');
      await page.keyboard.press('Space');
      expect(await pressButton(page)).toBe(200);
      await check('check your inbox');
      await settle();

      // Act: the link in the mail, and its button
      const confirmPage = await page.goto(await confirmationLink(email));
      expect(confirmPage?.status()).toBe(200);
      expect(await page.locator('body').textContent()).toContain('Ana <b>Silva</b>');
      await check('confirmation');
      expect(await pressButton(page)).toBe(200);
      await check('signed up');
      await context.close();

      // Assess
      const status = await tandem('round', 'status', roundId, '--json');
      expect(JSON.parse(status.stdout).registrations).toEqual({ confirmed: 1, pending: 0, open: true });
      expect(visited).toEqual(visited.map(({ page }) => ({ page, violations: [] })));
    },
  );

  it('shows the form in Spanish with ?lang=es at 375 px, its errors too, every page accessible', async () => {
    // Prepare
    const roundId = 'it-join-es';
    const es = translatorFor('es');
    await openRound(roundId);
    const context = await browser.newContext({ viewport: { width: 375, height: 800 }, locale: 'en-GB' });
    const page = await context.newPage();

    // Act: the form in Spanish, then sent empty
    const form = await page.goto(`${stackEnv.LINKS_BASE_URL}/join/${roundId}?lang=es`);
    const formViolations = await seriousViolations(page);
    const formLang = await page.getAttribute('html', 'lang');
    const heading = await page.locator('h1').textContent();
    const chosen = await page.inputValue('#mail_language');
    const scrollsSideways = await page.evaluate(() => {
      const root = (
        globalThis as unknown as {
          document: { documentElement: { scrollWidth: number; clientWidth: number } };
        }
      ).document.documentElement;
      return root.scrollWidth > root.clientWidth;
    });
    const refused = await pressButton(page);
    const errorViolations = await seriousViolations(page);
    const errorLang = await page.getAttribute('html', 'lang');
    const summary = await page.locator('#summary-title').textContent();
    await context.close();

    // Assess
    expect(form?.status()).toBe(200);
    expect(formLang).toBe('es');
    expect(heading).toBe(es.text('sign-up-page.formTitle', { roundName: `Round ${roundId}` }));
    expect(chosen).toBe('es');
    expect(scrollsSideways).toBe(false);
    expect(refused).toBe(400);
    expect(errorLang).toBe('es');
    expect(summary).toBe(es.text('sign-up-page.errorSummaryTitle'));
    expect({ form: formViolations, errors: errorViolations }).toEqual({ form: [], errors: [] });
  });

  it('answers a POST with an invalid address 400, the error next to its input and the values kept', async () => {
    // Prepare
    const roundId = 'it-join-invalid';
    await openRound(roundId);
    const url = `${stackEnv.LINKS_BASE_URL}/join/${roundId}`;
    const form = await fetch(url);
    const cookie = form.headers.get('set-cookie')?.split(';')[0] ?? '';
    const token = /name="form_token" value="([^"]*)"/.exec(await form.text())?.[1] ?? '';

    // Act
    const response = await fetch(url, {
      method: 'POST',
      headers: { cookie },
      body: new URLSearchParams({
        form_token: token,
        email: 'ana at example.org',
        name: 'Ana Silva',
        country: 'BR',
        languages: 'pt; en',
        timezone: 'America/Sao_Paulo',
        sector: 'public',
        career_stage: 'early',
        consent: 'yes',
      }),
    });

    // Assess
    expect(response.status).toBe(400);
    const html = await response.text();
    const emailGroup =
      /<div class="field field-error"><label for="email">[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
    expect(emailGroup).toContain('id="email-error"');
    expect(emailGroup).toMatch(
      /<input id="email"[^>]*value="ana at example.org"[^>]*aria-describedby="[^"]*email-error"/,
    );
    expect(html).toContain('value="Ana Silva"');
  });
});
