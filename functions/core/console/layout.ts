import { escapeHtml } from '../render.ts';
import { page } from '../web-page.ts';

/** The field every console form posts its CSRF token in. */
export const CSRF_FIELD = 'csrf_token';

/** Where the console's pages are: the path `httpFunctions` in infra/wiring.ts routes to the console function. */
export const CONSOLE = '/console';

/** A path of the console, each segment escaped for a URL (round ids and addresses are the user's). */
export const consolePath = (...segments: readonly string[]): string =>
  [CONSOLE, ...segments.map(encodeURIComponent)].join('/');

/** The hidden input that carries a form's CSRF token. */
export const csrfInput = (token: string): string =>
  `<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(token)}">`;

export interface ConsolePageFrame {
  title: string;
  /** Shown when signed in: the address, the rounds link and the sign-out button. */
  signedIn?: { email: string; csrfToken: string };
  /** Links back up, shown above the heading: e.g. Rounds › spring-2027. */
  breadcrumbs?: readonly { href: string; label: string }[];
  hasErrors?: boolean;
}

/**
 * A console page: the shared shell, wide, never indexed, with the console's navigation when signed in.
 * `body` is HTML our own code built, every value in it escaped already, its one h1 included.
 */
export const consolePage = (frame: ConsolePageFrame, body: string): string => {
  const navigation = frame.signedIn
    ? [
        `<a href="${consolePath('rounds')}">Rounds</a>`,
        // Every coordinator sees it; a round's own coordinator is told there that it is the programme's.
        `<a href="${consolePath('people')}">People</a>`,
        `<form method="post" action="${consolePath('sign-out')}">${csrfInput(frame.signedIn.csrfToken)}` +
          `<button type="submit">Sign out <span class="hidden-text">${escapeHtml(frame.signedIn.email)}</span></button></form>`,
      ].join('')
    : undefined;
  const crumbs = frame.breadcrumbs?.length
    ? `<nav aria-label="Breadcrumb"><p>${frame.breadcrumbs
        .map(({ href, label }) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`)
        .join(' › ')}</p></nav>`
    : '';
  return page(
    {
      title: `${frame.title} · Console`,
      noIndex: true,
      wide: true,
      ...(frame.hasErrors ? { hasErrors: true } : {}),
      ...(navigation ? { navigation } : {}),
    },
    crumbs + body,
  );
};
