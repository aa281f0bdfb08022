import { createHash } from 'node:crypto';
import { translatorFor } from './i18n.ts';
import type { MailLanguage } from './languages.ts';
import { escapeHtml } from './render.ts';

/**
 * The shell of every page people open in a browser — the sign-up pages and the pages of the signed links
 * in round mails (unsubscribe, pause, check-in answers…): one stylesheet inline (allowed by its hash, not
 * by 'unsafe-inline'), at most one small script from our own origin, nothing from anywhere else.
 */

// GOV.UK Design System colours and focus style: black on white, the focus a yellow ring, errors red
// with a thick left border; every pair of colours is above 4.5:1. Inputs fill the width up to a line's
// length, so the forms work at 375 px.
const STYLE = [
  '*,*::before,*::after{box-sizing:border-box}',
  'body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#0b0c0c;background:#fff}',
  '.skip{position:absolute;left:-10000px;top:0;padding:.5rem;background:#fd0;color:#0b0c0c}',
  '.skip:focus{left:0}',
  'header{background:#1f5f8b;color:#fff;padding:.75rem 1.25rem;font-weight:700;letter-spacing:.12em}',
  'main{display:block;max-width:40rem;margin:0 auto;padding:1.5rem 1.25rem 3rem}',
  'h1{font-size:1.75rem;line-height:1.2;margin:0 0 1rem}',
  'h2{font-size:1.25rem;line-height:1.3;margin:1.5rem 0 .5rem}',
  'p,ul{margin:0 0 1rem}',
  'a{color:#1d4f7a;text-decoration-thickness:max(1px,.0625rem)}',
  'a:focus{outline:3px solid transparent;background:#fd0;color:#0b0c0c;box-shadow:0 -2px #fd0,0 4px #0b0c0c;text-decoration:none}',
  'input:focus,select:focus,textarea:focus,button:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:inset 0 0 0 2px #0b0c0c}',
  'fieldset{border:0;margin:0;padding:0;min-width:0}',
  '.field{margin:0 0 1.75rem}',
  '.field-error{border-left:5px solid #d4351c;padding-left:.75rem}',
  'label,legend{display:block;font-weight:700;margin:0 0 .25rem;padding:0}',
  '.hint{display:block;color:#484949;margin:0 0 .5rem}',
  '.message{display:block;color:#d4351c;font-weight:700;margin:0 0 .5rem}',
  'input[type=text],input[type=email],select,textarea{font:inherit;width:100%;max-width:30rem;min-height:2.5rem;padding:.3rem .4rem;border:2px solid #0b0c0c;border-radius:0;background:#fff;color:#0b0c0c}',
  '.field-error input[type=text],.field-error input[type=email],.field-error select{border-color:#d4351c}',
  '.choice{display:flex;align-items:flex-start;gap:.6rem;margin:0 0 .6rem}',
  '.choice input{width:1.6rem;height:1.6rem;margin:0;flex:none;accent-color:#0b0c0c}',
  '.choice label{font-weight:400;margin:0;padding-top:.05rem}',
  'button{font:inherit;font-weight:700;padding:.6rem 1.25rem;min-height:2.75rem;border:0;border-bottom:2px solid #002d18;background:#00703c;color:#fff;cursor:pointer}',
  '.summary-box{border:5px solid #d4351c;padding:1rem;margin:0 0 1.75rem}',
  '.summary-box h2{margin-top:0}',
  '.summary-box a{color:#d4351c;font-weight:700}',
  '.notice{border-left:5px solid #1f5f8b;padding:.25rem 0 .25rem 1rem;margin:0 0 1.25rem}',
  'dl{margin:0 0 1.5rem}',
  'dl div{border-bottom:1px solid #b1b4b6;padding:.5rem 0}',
  'dt{font-weight:700}',
  'dd{margin:0;overflow-wrap:anywhere}',
  '.hidden-text{position:absolute;width:1px;height:1px;margin:0;padding:0;overflow:hidden;clip-path:inset(50%);border:0;white-space:nowrap}',
  '.trap{display:none}',
  // The console: wider pages for tables, a navigation in the banner, tables that scroll at 375 px.
  'main.wide{max-width:72rem}',
  'header nav{display:inline;margin-left:1.5rem;font-weight:400;letter-spacing:normal}',
  'header nav a,header nav button{color:#fff;background:none;border:0;padding:0;min-height:0;margin-right:1rem;font:inherit;text-decoration:underline;cursor:pointer}',
  'header nav form{display:inline}',
  // Positioned, so that the visually hidden text in its cells (absolutely positioned) scrolls with the
  // table: otherwise it sits beyond the screen's edge and the whole page scrolls sideways at 375 px.
  '.table-wrap{overflow-x:auto;margin:0 0 1.5rem;position:relative}',
  'table{border-collapse:collapse;width:100%}',
  'th,td{text-align:left;vertical-align:top;padding:.5rem .75rem .5rem 0;border-bottom:1px solid #b1b4b6}',
  'th{font-weight:700}',
  '.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:0 0 1.5rem}',
  'button.secondary{background:#f3f2f1;color:#0b0c0c;border-bottom-color:#929191}',
  'button.warning{background:#d4351c;border-bottom-color:#55150b}',
  // The round report's charts on a round's status page: painted by SVG attributes, sized here.
  'figure.chart{margin:0 0 2rem}',
  'figure.chart>svg{display:block;width:100%;max-width:36rem;height:auto}',
  '.legend{list-style:none;padding:0}',
].join('');

const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/**
 * The headers of a page: a strict Content-Security-Policy (our inline stylesheet by its hash, forms
 * posting only to us, never framed, and scripts only from our own origin, only when `script` says the
 * pages served with these headers load one), no caching (the pages carry tokens), no referrer (the
 * address of a confirmation page is a credential).
 */
export const pageHeaders = (options: { script: boolean }): Readonly<Record<string, string>> => ({
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': [
    "default-src 'none'",
    ...(options.script ? ["script-src 'self'"] : []),
    `style-src ${STYLE_HASH}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
});

/** What a page is made of besides its content. */
export interface PageFrame {
  title: string;
  /** The language the page is written in, for `<html lang>`; English if absent. */
  lang?: MailLanguage;
  /** A page showing the form's errors says so first in its title, for screen readers. */
  hasErrors?: boolean;
  /** Pages whose address is a credential stay out of search engines. */
  noIndex?: boolean;
  /** The path of the page's script, if it has one (its headers must then allow scripts: see pageHeaders). */
  script?: string;
  /** Links (and forms, e.g. signing out) shown in the banner: HTML our own code built, escaped already. */
  navigation?: string;
  /** A wide main column, for the console's tables. */
  wide?: boolean;
  /** The programme's name in the title and banner, when a round's settings give it (else the catalogue's). */
  programme?: string;
}

/**
 * A whole page: a skip link, the banner and `body` as the main landmark. `body` is HTML our own code
 * built, every value in it escaped already, its one h1 included.
 */
export const page = (frame: PageFrame, body: string): string => {
  const t = translatorFor(frame.lang);
  const programme = frame.programme ?? t.text('programme.name');
  return [
    '<!doctype html>',
    `<html lang="${t.lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    ...(frame.noIndex ? ['<meta name="robots" content="noindex, nofollow">'] : []),
    '<meta name="referrer" content="no-referrer">',
    `<title>${t.html(frame.hasErrors ? 'page.errorTitle' : 'page.title', { title: frame.title, programme })}</title>`,
    `<style>${STYLE}</style>`,
    ...(frame.script ? [`<script src="${escapeHtml(frame.script)}" defer></script>`] : []),
    '</head>',
    '<body>',
    `<a class="skip" href="#main">${t.html('page.skip')}</a>`,
    frame.navigation
      ? `<header>${escapeHtml(programme.toUpperCase())} <nav aria-label="Console">${frame.navigation}</nav></header>`
      : `<header>${escapeHtml(programme.toUpperCase())}</header>`,
    `<main id="main" tabindex="-1"${frame.wide ? ' class="wide"' : ''}>`,
    body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
};
