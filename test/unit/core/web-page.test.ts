import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { page, pageHeaders } from '#core/web-page';

const styleOf = (html: string) => /<style>(.*)<\/style>/s.exec(html)?.[1] ?? '';
const hashOf = (text: string) => createHash('sha256').update(text).digest('base64');

describe('the page shell', () => {
  it('gives every page its language, a viewport, a title, a skip link, a banner and the main landmark', () => {
    // Act
    const html = page({ title: 'Sign up <now>' }, '<h1>Sign up</h1>');

    // Assess
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<title>Sign up &lt;now&gt; · Tandem</title>');
    expect(html).toContain(
      '<a class="skip" href="#main">Skip to main content</a>\n<header>TANDEM</header>\n<main id="main" tabindex="-1">\n<h1>Sign up</h1>\n</main>',
    );
    expect(html).not.toContain('<meta name="robots"');
    expect(html).not.toContain('<script');
  });

  it('says the language it is given in <html lang>, and English when given none', () => {
    // Act
    const spanish = page({ title: 'Hecho', lang: 'es' }, '<h1>Hecho</h1>');
    const english = page({ title: 'Done' }, '<h1>Done</h1>');

    // Assess
    expect(spanish).toMatch(/^<!doctype html>\n<html lang="es">\n/);
    expect(english).toMatch(/^<!doctype html>\n<html lang="en">\n/);
  });

  it('says "Error:" first in the title of a page showing errors, and keeps a page out of search engines when asked', () => {
    // Act
    const html = page({ title: 'Sign up', hasErrors: true, noIndex: true }, '');

    // Assess
    expect(html).toContain('<title>Error: Sign up · Tandem</title>');
    expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
  });

  it('loads a page’s script by its path, deferred', () => {
    // Act
    const html = page({ title: 'Sign up', script: '/join/assets/sign-up-1.js' }, '');

    // Assess
    expect(html).toContain('<script src="/join/assets/sign-up-1.js" defer></script>');
  });

  it('shows where the keyboard is: links, inputs and buttons have a visible focus style', () => {
    // Act
    const style = styleOf(page({ title: 't' }, ''));

    // Assess
    expect(style).toContain('a:focus{outline:3px solid transparent;background:#fd0;');
    expect(style).toContain('button:focus{outline:3px solid #fd0;');
    expect(style).toContain('.skip:focus{left:0}');
    expect(style).not.toMatch(/url\(|@import|https?:/);
  });
});

describe('the page headers', () => {
  it('allow the shell’s one stylesheet by its hash, and scripts from our origin only for pages that have one', () => {
    // Prepare
    const hash = hashOf(styleOf(page({ title: 't' }, '')));
    const rest = "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    // Act
    const withScript = pageHeaders({ script: true });
    const withoutScript = pageHeaders({ script: false });

    // Assess
    expect(withScript['Content-Security-Policy']).toBe(
      `default-src 'none'; script-src 'self'; style-src 'sha256-${hash}'; ${rest}`,
    );
    expect(withoutScript['Content-Security-Policy']).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; ${rest}`,
    );
    for (const headers of [withScript, withoutScript]) {
      expect(headers).toMatchObject({
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
        'X-Content-Type-Options': 'nosniff',
      });
      expect(headers['Content-Security-Policy']).not.toContain('unsafe');
    }
  });
});
