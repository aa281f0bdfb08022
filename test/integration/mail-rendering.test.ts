/**
 * The mails as a phone and a desktop mail app show them: composed by the real compose functions and
 * rendered in headless Chromium at 375 px (a small phone) and 800 px (a desktop reading pane). It needs
 * only Chromium, not the local stack, but lives in the integration project because that is where
 * Chromium is a requirement (`.ci/run` installs it); `npm run test:unit` needs nothing but Node.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeRelay } from '#core/compose-inbound';
import { composeMail } from '#core/compose-mail';
import type { OutboundMail } from '#core/outbound-mail';
import { topics } from '#templates/compiled/index';
import { catalogue, cohort, fixtureSets, settings } from '../unit/deliverability/catalogue.ts';
import { launchChromium } from './browser.ts';

const WIDTHS = [375, 800] as const;

let browser: Browser;
let dir: string;

beforeAll(async () => {
  browser = await launchChromium();
  // TANDEM_SCREENSHOTS keeps them somewhere to look at; a fresh temporary folder otherwise.
  dir = process.env.TANDEM_SCREENSHOTS ?? (await mkdtemp(join(tmpdir(), 'tandem-mails-')));
  await mkdir(dir, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
});

/** Pages of each width, reused from mail to mail: a mail app's reading pane, without scripts. */
const pages = new Map<number, { page: Page; requests: string[] }>();

/** Shows the mail's HTML as a mail app would, in the page of `width`, recording any request it makes. */
const show = async (mail: OutboundMail, width: number) => {
  let shown = pages.get(width);
  if (!shown) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: false });
    const requests: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    shown = { page: await context.newPage(), requests };
    pages.set(width, shown);
  }
  shown.requests.length = 0;
  await shown.page.setContent(mail.html, { waitUntil: 'load' });
  return shown;
};

const scrollWidth = (page: Page) => page.evaluate('document.documentElement.scrollWidth') as Promise<number>;

/** The element's box lies within the page's width and has a size: shown, not cut off. */
const shownWithin = async (page: Page, selector: string, text: string | RegExp, width: number) => {
  const element = page.locator(selector, { hasText: text }).first();
  expect(await element.isVisible(), `${selector} "${text}" is visible`).toBe(true);
  const box = await element.boundingBox();
  expect(box?.width ?? 0, `${selector} "${text}" has a width`).toBeGreaterThan(0);
  expect(
    (box?.x ?? 0) + (box?.width ?? Number.POSITIVE_INFINITY),
    `${selector} "${text}" fits`,
  ).toBeLessThanOrEqual(width);
};

describe('the topic mail in a browser', () => {
  const { round, aroha, bashir } = cohort(fixtureSets.realistic);

  describe.each(topics.map((t) => t.number))('topic %i', (number) => {
    const topic = topics[number - 1];
    const mail = composeMail(
      { round, member: aroha, partners: [bashir] },
      { v: 1, roundId: round.id, participantId: aroha.id, kind: 'topic', topic: number },
      settings,
    );

    it.each(WIDTHS)(
      'fits %i px without horizontal scroll, its content shown and nothing fetched',
      async (width) => {
        const { page, requests } = await show(mail, width);

        expect(await scrollWidth(page)).toBeLessThanOrEqual(width);
        expect(await page.locator('html').getAttribute('lang')).toBe('en');
        await shownWithin(page, 'h1', topic?.title ?? '', width);
        await shownWithin(page, 'p', `Hello ${aroha.name},`, width);
        await shownWithin(page, 'p', 'Reply to this email to write to', width);
        for (const link of ['Pause my mail', 'My partner has gone quiet', 'Unsubscribe']) {
          await shownWithin(page, 'a', link, width);
        }
        // The topic's own questions: each list item of its body on screen.
        for (const item of await page.locator('li').all()) {
          const box = await item.boundingBox();
          expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(width);
        }
        expect(requests.filter((url) => !url.startsWith('about:'))).toEqual([]);
        await page.screenshot({ path: join(dir, `topic-${number}-${width}.png`), fullPage: true });
      },
    );
  });
});

describe('every other mail in a browser', () => {
  const { round, aroha, bashir } = cohort(fixtureSets.realistic);
  // What people really paste: a long link with no place to break, and a name without spaces.
  const link = `https://library.example.org/${'collections/oral-history/'.repeat(12)}recording-2025-03.mp3`;
  const longName = {
    ...bashir,
    name: 'Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessenschafewarenwohlgepflegeundsorgfaltigkeit',
  };
  const extra: { variant: string; mail: OutboundMail }[] = [
    {
      variant: 'relay with a long link',
      mail: composeRelay(
        {
          round,
          sender: aroha,
          recipient: bashir,
          subject: 'Re: hi',
          text: `Listen to this:\n${link}`,
          attachments: [],
        },
        settings,
      ),
    },
    {
      variant: 'intro to a partner with a very long name',
      mail: composeMail(
        { round, member: aroha, partners: [longName] },
        { v: 1, roundId: round.id, participantId: aroha.id, kind: 'intro', topic: 0 },
        settings,
      ),
    },
  ];
  const samples = [
    ...catalogue('realistic')
      .filter((s) => s.kind !== 'topic')
      .map((s) => ({ variant: s.variant, mail: s.mail })),
    ...catalogue('large').map((s) => ({ variant: `large values: ${s.variant}`, mail: s.mail })),
    ...extra,
  ];

  it.each(WIDTHS)('fit %i px without horizontal scroll', async (width) => {
    for (const { variant, mail } of samples) {
      const { page } = await show(mail, width);

      expect(await scrollWidth(page), variant).toBeLessThanOrEqual(width);
    }
    for (const [i, { mail }] of extra.entries()) {
      const { page } = await show(mail, width);
      await page.screenshot({ path: join(dir, `extra-${i + 1}-${width}.png`), fullPage: true });
    }
  });
});
