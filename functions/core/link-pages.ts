import type { LinkAction } from './link-token.ts';
import { escapeHtml } from './render.ts';

/** What applying a link did; the done page says so in words. */
export type LinkOutcome = 'changed' | 'unchanged' | 'refused' | 'not-yet-supported';

/** The actions a participant can take through a link today (quiet is announced, not yet built). */
export type SupportedLinkAction = Exclude<LinkAction, 'quiet'>;

const STYLE = [
  'body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f6f6f4}',
  'main{max-width:32rem;margin:0 auto;padding:2rem 1.25rem}',
  'h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}',
  'p{margin:0 0 1rem}',
  'button{font:inherit;font-weight:600;padding:.75rem 1.5rem;min-height:2.75rem;border:0;border-radius:.5rem;background:#1f5f8b;color:#fff;cursor:pointer}',
  'button:focus-visible{outline:3px solid #f2a900;outline-offset:2px}',
].join('');

// Inline style only and no scripts, images or fonts: nothing is fetched from anywhere, and the pages
// work on any phone. noindex and no-referrer because the URL holds a credential.
const page = (title: string, body: string): string =>
  [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)} · Tandem</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(title)}</h1>`,
    body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');

const paragraph = (text: string): string => `<p>${escapeHtml(text)}</p>`;

const wording: Record<SupportedLinkAction, { ask: string; explain: string; button: string; done: string }> = {
  unsubscribe: {
    ask: 'Unsubscribe from this round?',
    explain: 'You will get no more mail from the round “{round}”.',
    button: 'Unsubscribe',
    done: 'You are unsubscribed from the round “{round}”. You will get no more mail from it.',
  },
  pause: {
    ask: 'Pause your mail?',
    explain: 'Mail from the round “{round}” stops until you resume it.',
    button: 'Pause my mail',
    done: 'Your mail from the round “{round}” is paused. Use the resume link in any round mail to start it again.',
  },
  resume: {
    ask: 'Resume your mail?',
    explain: 'Mail from the round “{round}” starts again.',
    button: 'Resume my mail',
    done: 'Your mail from the round “{round}” is on again.',
  },
};

const withRound = (text: string, round: string): string => text.replace('{round}', () => round);

const isSupported = (action: LinkAction): action is SupportedLinkAction => action !== 'quiet';

/** Shown for actions that links announce but Tandem cannot do yet. */
const notYetPage = (): string =>
  page(
    'Not available yet',
    paragraph('This option is not available yet. Nothing was changed.') +
      paragraph('You can reply to any round mail to ask the coordinator instead.'),
  );

/**
 * The page a GET of a link shows: it explains the action and asks for a click that POSTs it. A GET
 * never acts, because mail scanners and link previews fetch every URL in a message.
 */
export const confirmationPage = (input: {
  action: LinkAction;
  round: string;
  formAction: string;
}): string => {
  if (!isSupported(input.action)) return notYetPage();
  const text = wording[input.action];
  return page(
    text.ask,
    paragraph(withRound(text.explain, input.round)) +
      `\n<form method="post" action="${escapeHtml(input.formAction)}">` +
      `<button type="submit">${escapeHtml(text.button)}</button></form>`,
  );
};

/** The page after a POST; a repeated click reads the same as the first. */
export const donePage = (input: { action: LinkAction; round: string; outcome: LinkOutcome }): string => {
  if (!isSupported(input.action) || input.outcome === 'not-yet-supported') return notYetPage();
  if (input.outcome === 'refused') {
    return page(
      'Nothing changed',
      paragraph(`This link cannot change your place in the round “${input.round}” as it stands now.`) +
        paragraph('You may have unsubscribed already. Reply to any round mail if you need help.'),
    );
  }
  return page('Done', paragraph(withRound(wording[input.action].done, input.round)));
};

/**
 * The one page for every link that cannot be used — malformed, forged, signed with a retired key or
 * expired. It says the same whatever the reason, so the page is no oracle for someone probing tokens.
 */
export const invalidLinkPage = (): string =>
  page(
    'This link does not work',
    paragraph('The link may be incomplete or too old. Nothing was changed.') +
      paragraph('Use the link in your most recent Tandem mail, or reply to that mail to ask for help.'),
  );
