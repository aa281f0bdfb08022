import { Hono } from 'hono';
import { correlated } from '#adapters/logger';
import { clearedSessionCookie, sessionCookie } from '#core/console/sign-in';
import {
  checkInboxPage,
  confirmSignInPage,
  EMAIL_FIELD,
  SIGN_IN_PATH,
  type SignInFormInput,
  signInPage,
  tooManySignInsPage,
  unusableSignInLinkPage,
} from '#core/console/sign-in-pages';
import { Email } from '#core/coordinator/registration';
import { FORM_TOKEN_FIELD } from '#core/sign-up/form';
import { METRIC } from '#ports/metrics';
import {
  openSession,
  requestSignInLink,
  reviewSignInLink,
  signOut,
  type UnusableLink,
} from '../../use-cases/console/sign-in.ts';
import type { ConsoleDeps, ConsoleEnvironment } from './context.ts';
import {
  currentSession,
  formFields,
  formSession,
  formTokenHolds,
  ROUNDS_PATH,
  requireSession,
  sessionTokenOf,
} from './session.ts';

const FORM_REFUSED =
  'This form had expired, or was not sent from our page. Check the address and press the button again.';

/** What is wrong with a typed address, in the GOV.UK pattern's words; undefined when it is one. */
const addressProblem = (typed: string): { email: string } | { error: string } => {
  if (typed === '') return { error: 'Enter your email address' };
  const email = Email.safeParse(typed);
  return email.success
    ? { email: email.data }
    : { error: 'Enter an email address in the correct format, like name@example.org' };
};

/**
 * The console's routes that need no session (see docs/console.md):
 * - `GET /console`: signed in, 303 to the rounds; otherwise the sign-in form;
 * - `GET /console/sign-in`: the sign-in form (one address), with its form token and cookie;
 * - `POST /console/sign-in`: 200 "check your inbox", the same for every address (a link is mailed only
 *   to an address that may sign in, within its allowance); 400 the form again for a malformed address;
 *   403 without a valid form token; 429 over the client's hourly allowance;
 * - `GET /console/sign-in/<token>`: a sign-in link's page, one button (a GET changes nothing);
 * - `POST /console/sign-in/<token>`: uses the link once, opens a session (its cookie) and 303s to the
 *   rounds; 403 without a valid form token (the page again);
 * - `POST /console/sign-out`: (session and CSRF token needed) ends the session, clears the cookie, 303s
 *   to the sign-in form.
 * A link that does not work — forged or malformed (400), expired or used (410) — gets one page.
 */
export const signInRoutes = (deps: ConsoleDeps) => {
  const routes = new Hono<ConsoleEnvironment>();
  const count = (outcome: string) => deps.metrics.count(METRIC.consoleSignIns, 1, { outcome });

  const unusable = (reason: UnusableLink) => {
    correlated({}).warn('unusable console sign-in link', { reason });
    count('unusable-link');
    return { page: unusableSignInLinkPage(), status: reason === 'forged' ? (400 as const) : (410 as const) };
  };

  routes.get('/', async (c) => {
    if (await currentSession(c, deps)) return c.redirect(ROUNDS_PATH, 303);
    return c.html(signInPage({ formToken: formSession(c, deps) }));
  });

  routes.get('/sign-in', (c) => c.html(signInPage({ formToken: formSession(c, deps) })));

  routes.post('/sign-in', async (c) => {
    const form = await formFields(c);
    const typed = (form[EMAIL_FIELD] ?? '').trim();
    const again = (status: 400 | 403, more: Omit<SignInFormInput, 'formToken' | 'email'>) =>
      c.html(signInPage({ formToken: formSession(c, deps), email: typed, ...more }), status);

    const check = formTokenHolds(c, deps, form[FORM_TOKEN_FIELD] ?? '');
    if (check !== 'ok') {
      correlated({}).warn('console sign-in form token refused', { reason: check });
      count('refused-form');
      return again(403, { problem: FORM_REFUSED });
    }
    const address = addressProblem(typed);
    if ('error' in address) {
      count('invalid');
      return again(400, { error: address.error });
    }
    const outcome = await requestSignInLink(deps, { email: address.email, client: c.get('client') });
    if (outcome.outcome === 'too-many') {
      correlated({}).warn('console sign-in requests from one client over the hourly limit');
      count('too-many');
      return c.html(tooManySignInsPage(), 429, { 'Retry-After': '3600' });
    }
    correlated({}).info('console sign-in link asked for', { delivery: outcome.delivery });
    count(outcome.delivery);
    // The same page whatever became of it: the answer says nothing about the address.
    return c.html(checkInboxPage({ email: address.email }));
  });

  routes.get('/sign-in/:token', async (c) => {
    const token = c.req.param('token');
    const review = await reviewSignInLink(deps, token);
    if (!review.usable) {
      const { page, status } = unusable(review.reason);
      return c.html(page, status);
    }
    return c.html(confirmSignInPage({ token, formToken: formSession(c, deps) }));
  });

  routes.post('/sign-in/:token', async (c) => {
    const token = c.req.param('token');
    const form = await formFields(c);
    const check = formTokenHolds(c, deps, form[FORM_TOKEN_FIELD] ?? '');
    if (check !== 'ok') {
      // Not from our page (or stale): show the button again, if the link still works; nothing is used.
      const review = await reviewSignInLink(deps, token);
      if (!review.usable) {
        const { page, status } = unusable(review.reason);
        return c.html(page, status);
      }
      correlated({}).warn('console sign-in link form token refused', { reason: check });
      count('refused-form');
      return c.html(
        confirmSignInPage({ token, formToken: formSession(c, deps), problem: FORM_REFUSED }),
        403,
      );
    }
    const outcome = await openSession(deps, token);
    if (outcome.outcome === 'unusable') {
      const { page, status } = unusable(outcome.reason);
      return c.html(page, status);
    }
    correlated({}).info('console session opened');
    count('signed-in');
    c.header('Set-Cookie', sessionCookie(outcome.opened.token, c.get('secure')), { append: true });
    return c.redirect(ROUNDS_PATH, 303);
  });

  routes.post('/sign-out', requireSession(deps), async (c) => {
    const token = sessionTokenOf(c);
    if (token) await signOut(deps, token, c.get('coordinator'));
    count('signed-out');
    c.header('Set-Cookie', clearedSessionCookie(c.get('secure')), { append: true });
    return c.redirect(SIGN_IN_PATH, 303);
  });

  return routes;
};
