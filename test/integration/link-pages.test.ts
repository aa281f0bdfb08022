import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertChromium, launchChromium, seriousViolations, tabTo } from './browser.ts';
import { seedRound, signedLink, stackEnv } from './support.ts';

/**
 * The pages of a signed link (`/l/<token>`) in Chromium, as served by the local stack: their one inline
 * stylesheet applies under their Content-Security-Policy (which allows it by hash and allows no script),
 * a keyboard reaches the button with a visible focus, and axe-core finds nothing serious.
 */

/** What the page's Content-Security-Policy refused while the browser showed it, as the console says. */
const cspRefusals = (page: Page) => {
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  return refused;
};

/** The computed values of these CSS properties on the element the selector names. */
const computedStyle = (page: Page, selector: string, properties: string[]) =>
  page.locator(selector).evaluate((element, names) => {
    const style = (
      globalThis as unknown as { getComputedStyle(element: unknown): Record<string, string> }
    ).getComputedStyle(element);
    return Object.fromEntries(names.map((name) => [name, style[name]]));
  }, properties);

describe('the pages of a signed link, in Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    assertChromium();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('asks, then unsubscribes on the button pressed by keyboard, each page styled under its CSP and accessible', async () => {
    // Prepare
    const round = await seedRound('it-link-pages', 4);
    const leaver = round.registered[0]?.id as string;
    const page = await (await browser.newContext()).newPage();
    const refused = cspRefusals(page);

    // Act
    const asked = await page.goto(await signedLink('it-link-pages', leaver, 'unsubscribe'));
    const askedViolations = await seriousViolations(page);
    const button = await computedStyle(page, 'button[type=submit]', ['backgroundColor']);
    await tabTo(page, 'button[type=submit]');
    const focused = await computedStyle(page, 'button[type=submit]', ['outlineStyle', 'outlineColor']);
    const [done] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const doneViolations = await seriousViolations(page);

    // Assess
    expect(asked?.status()).toBe(200);
    expect(asked?.headers()['content-security-policy']).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/,
    );
    // The shared stylesheet's button and focus ring: the inline style was allowed.
    expect(button).toEqual({ backgroundColor: 'rgb(0, 112, 60)' });
    expect(focused).toEqual({ outlineStyle: 'solid', outlineColor: 'rgb(255, 221, 0)' });
    expect(done?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Done');
    expect(await page.locator('main').textContent()).toContain('You are unsubscribed');
    expect([askedViolations, doneViolations]).toEqual([[], []]);
    expect(refused).toEqual([]);
  });

  it('shows the page of a link that does not work, 400, styled and accessible', async () => {
    // Prepare
    const page = await (await browser.newContext()).newPage();
    const refused = cspRefusals(page);

    // Act
    const shown = await page.goto(`${stackEnv.LINKS_BASE_URL}/l/not-a-token`);

    // Assess
    expect(shown?.status()).toBe(400);
    expect(await page.locator('h1').textContent()).toBe('This link does not work');
    expect(await computedStyle(page, 'header', ['backgroundColor'])).toEqual({
      backgroundColor: 'rgb(31, 95, 139)',
    });
    expect(await seriousViolations(page)).toEqual([]);
    expect(refused).toEqual([]);
  });
});
