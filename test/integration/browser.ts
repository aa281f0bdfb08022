import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Where the browser tests find Chromium (Debian's package; `.ci/run` installs it when missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Fails at once, saying what to install, when there is no Chromium (before a long test prepares). */
export const assertChromium = (): void => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  }
};

/**
 * Headless Chromium through playwright-core, which downloads no browser: the system's own, with
 * nothing running in the background that could fetch anything.
 */
export const launchChromium = async (): Promise<Browser> => {
  assertChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
};

/** axe-core's own bundle, run in the page by the DevTools protocol (which the page's CSP does not govern). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: unknown }[];
}

/** The serious and critical axe-core violations on the page as it is now. */
export const seriousViolations = async (page: Page) => {
  await page.evaluate(AXE_SOURCE);
  const { violations, passes } = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[]; passes: unknown[] }> } }
    ).axe;
    const results = await axe.run();
    return { violations: results.violations, passes: results.passes.length };
  });
  // No rule passing means axe checked nothing (an empty page, or the bundle never ran).
  if (passes === 0) throw new Error(`axe-core passed no rule on ${page.url()}`);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, targets: v.nodes.map((n) => n.target) }));
};

/** Presses Tab until the element the selector names has the focus: how a keyboard user reaches it. */
export const tabTo = async (page: Page, selector: string) => {
  for (let presses = 0; presses < 80; presses++) {
    const there = await page
      .locator(selector)
      .evaluate(
        (element: { ownerDocument: { activeElement: unknown } }) =>
          element === element.ownerDocument.activeElement,
      );
    if (there) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
};
