import { describe, expect, it } from 'vitest';
import { confirmationPage, donePage, invalidLinkPage } from '#core/link-pages';

const hostile = `<script>alert("x")</script>&'`;

const expectPlainPage = (html: string) => {
  expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
  expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  expect(html).toContain('<meta charset="utf-8">');
  // Nothing is fetched from anywhere: no scripts, images, stylesheets or fonts.
  expect(html).not.toMatch(/<script|<img|<link|<iframe|url\(|@import|https?:/i);
};

describe('link pages', () => {
  it('asks for confirmation with a POST form back to the link', () => {
    const html = confirmationPage({ action: 'unsubscribe', round: 'spring-2025', formAction: '/l/abc.def' });

    expectPlainPage(html);
    expect(html).toContain(
      '<form method="post" action="/l/abc.def"><button type="submit">Unsubscribe</button>',
    );
    expect(html).toContain('spring-2025');
  });

  it('has a confirmation for pause and resume too', () => {
    expect(confirmationPage({ action: 'pause', round: 'r', formAction: '/l/x' })).toContain('Pause my mail');
    expect(confirmationPage({ action: 'resume', round: 'r', formAction: '/l/x' })).toContain(
      'Resume my mail',
    );
  });

  it('offers no button for an action that is not built yet', () => {
    const html = confirmationPage({ action: 'quiet', round: 'r', formAction: '/l/x' });

    expectPlainPage(html);
    expect(html).not.toContain('<form');
    expect(html).toContain('not available yet');
  });

  it('escapes hostile values in every page', () => {
    const pages = [
      confirmationPage({ action: 'unsubscribe', round: hostile, formAction: `/l/"><script>` }),
      donePage({ action: 'pause', round: hostile, outcome: 'changed' }),
      donePage({ action: 'resume', round: hostile, outcome: 'refused' }),
    ];

    for (const html of pages) {
      expect(html).not.toContain('<script');
      expect(html).not.toContain(`"x"`);
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    }
    expect(pages[0]).toContain('action="/l/&quot;&gt;&lt;script&gt;"');
  });

  it('says the same after a repeated click as after the first', () => {
    const first = donePage({ action: 'unsubscribe', round: 'spring-2025', outcome: 'changed' });
    const again = donePage({ action: 'unsubscribe', round: 'spring-2025', outcome: 'unchanged' });

    expectPlainPage(first);
    expect(again).toBe(first);
    expect(first).toContain('You are unsubscribed');
  });

  it('says nothing changed when the member state refused the action', () => {
    const html = donePage({ action: 'resume', round: 'spring-2025', outcome: 'refused' });

    expect(html).toContain('Nothing changed');
  });

  it('has one invalid-link page that names no reason', () => {
    const html = invalidLinkPage();

    expectPlainPage(html);
    expect(html).toBe(invalidLinkPage());
    expect(html).not.toMatch(/expired|forged|signature|key/i);
    expect(html).not.toContain('<form');
  });
});
