import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadSigningKeys } from '#adapters/signing-keys';
import type { PreviewReport } from '#cli/mail-preview';
import { verifyLinkToken } from '#core/link-token';
import { PREVIEW_KINDS } from '#core/mail-preview';
import { assertChromium, launchChromium, seriousViolations } from './browser.ts';
import { clients, clockNow, roundState, seedRound, stackEnv, tandem } from './support.ts';

const ROUND = 'it-mail-preview';
const PHONE = { width: 375, height: 800 };

const preview = async (...args: string[]) => {
  const result = await tandem('mail', 'preview', '--round', ROUND, ...args, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as PreviewReport;
};

describe('tandem mail preview', () => {
  let browser: Browser;

  beforeAll(async () => {
    assertChromium();
    browser = await launchChromium();
    // The CLI finds the local links endpoint by its port, as it finds the others (local/config.ts).
    vi.stubEnv('TANDEM_LINKS_PORT', new URL(stackEnv.LINKS_BASE_URL ?? '').port);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await browser?.close();
  });

  it("writes every mail of a round's participant, with links that lead to the stack but do not work", async () => {
    // Prepare
    await seedRound(ROUND, 4);
    const out = join(await mkdtemp(join(tmpdir(), 'tandem-preview-')), 'previews');

    // Act
    const report = await preview('--out', out);

    // Assess: every kind, each file written
    const { members } = await roundState(ROUND);
    const member = members.find((m) => m.email === report.participant);
    expect(member?.partnerIds.length).toBeGreaterThan(0);
    expect(report.lang).toBe(member?.mailLanguage ?? 'en');
    expect(new Set(report.mails.map((m) => m.kind))).toEqual(new Set(PREVIEW_KINDS));
    for (const mail of report.mails) {
      expect(existsSync(mail.html), mail.html).toBe(true);
      expect(existsSync(mail.text), mail.text).toBe(true);
    }
    // The links are the stack's, signed with a key the stack does not have.
    const intro = await readFile(join(out, 'intro.html'), 'utf8');
    const base = (stackEnv.LINKS_BASE_URL ?? '').replace(/\/+$/, '');
    const tokens = [...intro.matchAll(/\/l\/([A-Za-z0-9_.-]+)"/g)].map((m) => m[1] as string);
    expect(intro).toContain(`${base}/l/`);
    expect(tokens.length).toBeGreaterThan(0);
    const keys = await loadSigningKeys(stackEnv, clients);
    const now = await clockNow();
    for (const token of tokens)
      expect(verifyLinkToken(token, keys, now)).toEqual({ ok: false, reason: 'forged' });

    // Act: the index page on a phone
    const page = await browser.newPage({ viewport: PHONE });
    const index = pathToFileURL(join(out, 'index.html')).href;
    await page.goto(index);

    // Assess: nothing scrolls sideways, every link opens a file that is there, nothing serious for axe
    const scrollWidth = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    expect(scrollWidth).toBeLessThanOrEqual(PHONE.width);
    const hrefs = await page
      .locator('main a[href]')
      .evaluateAll((links) => links.map((link) => (link as unknown as { href: string }).href));
    expect(hrefs).toHaveLength(report.mails.length * 2);
    for (const href of hrefs) expect(existsSync(fileURLToPath(href)), href).toBe(true);
    expect(hrefs).toEqual(
      expect.arrayContaining(
        report.mails.flatMap((m) => [pathToFileURL(m.html).href, pathToFileURL(m.text).href]),
      ),
    );
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'HTML of Introduction' }).click();
    await expect.poll(() => page.url()).toBe(pathToFileURL(join(out, 'intro.html')).href);
    await page.close();
  });

  it('writes one kind for another participant in the language asked for', async () => {
    // Prepare
    const { members } = await roundState(ROUND);
    const other = members.find((m) => m.partnerIds.length > 0 && m.mailLanguage !== 'es');
    const out = join(await mkdtemp(join(tmpdir(), 'tandem-preview-')), 'es');

    // Act
    const report = await preview(
      '--participant',
      other?.email ?? '',
      '--kind',
      'topic',
      '--lang',
      'es',
      '--out',
      out,
    );

    // Assess
    expect(report.participant).toBe(other?.email);
    expect(report.lang).toBe('es');
    expect(report.mails.map((m) => m.variant)).toEqual(
      (await roundState(ROUND)).round.topicDays.map((_, i) => `topic-${String(i + 1).padStart(2, '0')}`),
    );
    expect(await readFile(join(out, 'topic-01.html'), 'utf8')).toContain('<html lang="es"');
    expect(existsSync(join(out, 'intro.html'))).toBe(false);
  });
});
