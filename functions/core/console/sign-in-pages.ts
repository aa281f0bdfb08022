import { escapeHtml } from '../render.ts';
import { FORM_TOKEN_FIELD } from '../sign-up/form.ts';
import { consolePage, consolePath } from './layout.ts';
import { errorSummary, paragraph } from './parts.ts';
import { LINKS_PER_ADDRESS, SESSION_HOURS, SIGN_IN_LINK_MINUTES } from './sign-in.ts';

/**
 * The console's pages for signing in, as HTML strings: pure, every value escaped. The form follows the
 * GOV.UK Design System's patterns, as the sign-up form does: a label, a hint and the error tied to the
 * input with aria-describedby, an error summary first that links to it, the value kept.
 */

const esc = escapeHtml;

/** The input of the sign-in form, and what its error summary links to. */
export const EMAIL_FIELD = 'email';

/** Where the sign-in form posts, and where a sign-in link's button posts. */
export const SIGN_IN_PATH = consolePath('sign-in');
export const signInLinkPath = (token: string): string => consolePath('sign-in', token);

const formToken = (token: string) => `<input type="hidden" name="${FORM_TOKEN_FIELD}" value="${esc(token)}">`;

/** What the sign-in form shows: the form token to post back, what was typed, and what is wrong with it. */
export interface SignInFormInput {
  formToken: string;
  email?: string;
  /** What is wrong with the address: shown next to it, and in the summary. */
  error?: string;
  /** A problem with the submission as a whole (the form had expired), said first. */
  problem?: string;
  /** Why the form is shown instead of what was asked for (not signed in, the session ended). */
  notice?: string;
}

/** The sign-in form: one address, and a button that emails a link to it. */
export const signInPage = (input: SignInFormInput): string => {
  const { error } = input;
  const ids = ['email-hint', ...(error ? ['email-error'] : [])].join(' ');
  const body = [
    errorSummary(error ? [{ href: `#${EMAIL_FIELD}`, message: error }] : [], input.problem),
    '<h1>Sign in to the console</h1>',
    ...(input.notice ? [`<div class="notice">${paragraph(input.notice)}</div>`] : []),
    paragraph(
      'The console is where Tandem’s coordinators manage their rounds. Enter your address, and we email you a link that signs you in.',
    ),
    `<form method="post" action="${SIGN_IN_PATH}" novalidate>`,
    formToken(input.formToken),
    `<div class="field${error ? ' field-error' : ''}">`,
    `<label for="${EMAIL_FIELD}">Email address</label>`,
    `<span class="hint" id="email-hint">The address you coordinate Tandem with.</span>`,
    ...(error
      ? [
          `<span class="message" id="email-error"><span class="hidden-text">Error: </span>${esc(error)}</span>`,
        ]
      : []),
    `<input id="${EMAIL_FIELD}" name="${EMAIL_FIELD}" type="email" value="${esc(input.email ?? '')}"` +
      ` aria-describedby="${ids}"${error ? ' aria-invalid="true"' : ''} autocomplete="email" spellcheck="false">`,
    '</div>',
    '<button type="submit">Email me a sign-in link</button>',
    '</form>',
  ].join('\n');
  return consolePage({ title: 'Sign in', ...(error || input.problem ? { hasErrors: true } : {}) }, body);
};

/**
 * After the form: the same words for every address — one that may sign in, one that may not, one over
 * its allowance — so the page tells nobody who the coordinators are.
 */
export const checkInboxPage = (input: { email: string }): string =>
  consolePage(
    { title: 'Check your inbox' },
    [
      '<h1>Check your inbox</h1>',
      `<p>If <strong>${esc(input.email)}</strong> may sign in to the console, we are sending it a link. The link works once, for ${SIGN_IN_LINK_MINUTES} minutes.</p>`,
      paragraph(
        `Nothing there after a few minutes? Check your spam or junk folder. We send at most ${LINKS_PER_ADDRESS} links in ${SIGN_IN_LINK_MINUTES} minutes to one address; any of them that is unused works.`,
      ),
      `<p>Wrong address? <a href="${SIGN_IN_PATH}">Try again</a>.</p>`,
    ].join('\n'),
  );

/** Too many requests from one client this hour: nothing was sent. */
export const tooManySignInsPage = (): string =>
  consolePage(
    { title: 'Too many requests' },
    '<h1>Too many requests</h1>\n' +
      paragraph(
        'We have had too many sign-in requests from your network in the last hour. Nothing was sent. Please try again in an hour.',
      ),
  );

/**
 * What a sign-in link opens: one button. The GET changes nothing (mail scanners open links); the
 * button's POST uses the link and signs in.
 */
export const confirmSignInPage = (input: { token: string; formToken: string; problem?: string }): string =>
  consolePage(
    { title: 'Sign in to the console', ...(input.problem ? { hasErrors: true } : {}) },
    [
      errorSummary([], input.problem),
      '<h1>Sign in to the console</h1>',
      paragraph(
        `Press the button to sign in. You stay signed in for ${SESSION_HOURS} hours, or until you sign out.`,
      ),
      `<form method="post" action="${esc(signInLinkPath(input.token))}">`,
      formToken(input.formToken),
      '<button type="submit">Sign in</button>',
      '</form>',
    ].join('\n'),
  );

/**
 * A sign-in link that cannot be used — forged, malformed, expired or used already — gets one page
 * whatever the reason, so the page is no oracle for someone probing links.
 */
export const unusableSignInLinkPage = (): string =>
  consolePage(
    { title: 'This link does not work' },
    [
      '<h1>This link does not work</h1>',
      paragraph(
        `It may have been used already, or be older than ${SIGN_IN_LINK_MINUTES} minutes, or be incomplete. Nothing was changed.`,
      ),
      `<p><a href="${SIGN_IN_PATH}">Ask for a new link</a>.</p>`,
    ].join('\n'),
  );

/** What a signed-in page's frame needs: who is signed in, and the session's CSRF token. */
export interface SignedIn {
  email: string;
  csrfToken: string;
}

/** A POST of the console that did not carry the session's CSRF token: nothing was changed. */
export const csrfRefusedPage = (signedIn: SignedIn): string =>
  consolePage(
    { title: 'This form could not be sent', signedIn },
    [
      '<h1>This form could not be sent</h1>',
      paragraph(
        'It had expired, or was not sent from a page of the console. Nothing was changed. Go back, reload the page and try again.',
      ),
      `<p><a href="${consolePath('rounds')}">Go to your rounds</a>.</p>`,
    ].join('\n'),
  );

/** A round that is not the signed-in coordinator's to see: says nothing more about it. */
export const notYourRoundPage = (signedIn: SignedIn): string =>
  consolePage(
    { title: 'Not your round', signedIn },
    [
      '<h1>You cannot manage this round</h1>',
      paragraph(
        'Only the round’s own coordinator and the programme’s coordinators can see and change it. Nothing was changed.',
      ),
      `<p><a href="${consolePath('rounds')}">Go to your rounds</a>.</p>`,
    ].join('\n'),
  );

/** A round that does not exist (or an address that names none). */
export const roundNotFoundPage = (signedIn: SignedIn): string =>
  consolePage(
    { title: 'Round not found', signedIn },
    [
      '<h1>There is no such round</h1>',
      paragraph('Check the address, or pick the round from your list.'),
      `<p><a href="${consolePath('rounds')}">Go to your rounds</a>.</p>`,
    ].join('\n'),
  );
