import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { correlated } from '#adapters/logger';
import { CSRF_FIELD, consolePath } from '#core/console/layout';
import { sessionTokenFromCookies } from '#core/console/sign-in';
import {
  csrfRefusedPage,
  notYourRoundPage,
  roundNotFoundPage,
  SIGN_IN_PATH,
  type SignedIn,
  signInPage,
} from '#core/console/sign-in-pages';
import { RoundId } from '#core/model';
import { checkFormToken, formCookie, formToken, newNonce, nonceFromCookies } from '#core/sign-up/form-token';
import { METRIC } from '#ports/metrics';
import { findSession } from '../../use-cases/console/sign-in.ts';
import {
  type ConsoleDeps,
  type ConsoleEnvironment,
  type ConsoleVariables,
  mayManage,
  type RoundEnvironment,
} from './context.ts';

/**
 * The console's sessions (see docs/console.md): the middleware every page after the sign-in routes
 * goes through, and the helpers the page routes use — `roundOfPath` for a round the coordinator may
 * manage, `audit` for what they did.
 */

/**
 * What these helpers use of a console route's context, whatever its path, input and bindings (the app
 * adds the Lambda event's): they read the session's variables and answer, and set none.
 */
// biome-ignore lint/suspicious/noExplicitAny: a route's context has its own path and input types.
export type AnyConsoleContext = Pick<Context<ConsoleEnvironment, any, any>, 'req' | 'html' | 'header'> & {
  get<Name extends keyof ConsoleVariables>(name: Name): ConsoleVariables[Name];
};

/** The request's cookies, `name=value` each (Hono's Lambda adapter joins a Function URL's into `Cookie`). */
const cookiesOf = (c: AnyConsoleContext): string[] =>
  (c.req.header('cookie') ?? '').split(';').filter((cookie) => cookie.trim() !== '');

/** The session cookie's value, if the request carries a well-formed one. */
export const sessionTokenOf = (c: AnyConsoleContext): string | undefined =>
  sessionTokenFromCookies(cookiesOf(c), c.get('secure'));

/** The request's session: its cookie ours and current, the session stored and not ended. */
export const currentSession = (c: AnyConsoleContext, deps: ConsoleDeps) =>
  findSession(deps, sessionTokenOf(c));

/**
 * The form token of a page without a session (the sign-in pages), for the nonce in the request's form
 * cookie; a request without one gets a new nonce, and the cookie that carries it (Set-Cookie on `c`).
 * The same signed double-submit token as the sign-up pages (core/sign-up/form-token.ts).
 */
export const formSession = (c: AnyConsoleContext, deps: ConsoleDeps): string => {
  const secure = c.get('secure');
  const known = nonceFromCookies(cookiesOf(c), secure);
  const nonce = known ?? newNonce(deps.randomBytes);
  if (!known) c.header('Set-Cookie', formCookie(nonce, secure), { append: true });
  return formToken(nonce, deps.keys, deps.clock.now());
};

/** Whether a POST of a page without a session carries a form token of ours, for its own cookie's nonce. */
export const formTokenHolds = (c: AnyConsoleContext, deps: ConsoleDeps, posted: string) =>
  checkFormToken(posted, nonceFromCookies(cookiesOf(c), c.get('secure')), deps.keys, deps.clock.now());

/**
 * The fields of a form POST (url-encoded or multipart); none for any other body, or one that does not
 * parse. Hono keeps what it parsed, so the page route reads the same body again at no cost.
 */
export const formFields = async (c: AnyConsoleContext): Promise<Record<string, string>> => {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) {
    return {};
  }
  try {
    const body = await c.req.parseBody();
    return Object.fromEntries(
      Object.entries(body).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value]] : [])),
    );
  } catch {
    return {};
  }
};

/** Methods that change nothing, and so need no CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** What a signed-in page's frame needs: who is signed in, and the session's CSRF token. */
export const signedInOf = (c: AnyConsoleContext): SignedIn => ({
  email: c.get('coordinator').email,
  csrfToken: c.get('csrfToken'),
});

const NOT_SIGNED_IN = 'You are not signed in, or your session has ended. Nothing was changed: sign in again.';

/**
 * The middleware of every console page that needs a session. It reads the session cookie
 * (`__Host-tandem-console`, or `tandem-console` on local plain HTTP), checks its signature and expiry,
 * and finds its session by the cookie's hash (12 hours at most; gone once signed out). Without one, a
 * GET (or HEAD) is sent to the sign-in page (303 to /console/sign-in), and anything else is refused
 * (403, the sign-in form, nothing changed). With one it sets `coordinator` — `stage` read from the
 * coordinator list at each request, so taking someone off it takes effect at once — and `csrfToken`,
 * which every form of the session posts back. Every request but a GET or HEAD must carry that token
 * (field `csrf_token`, or header `x-csrf-token`): without it, 403 and nothing changed.
 */
export const requireSession = (deps: ConsoleDeps) =>
  createMiddleware<ConsoleEnvironment>(async (c, next) => {
    const session = await currentSession(c, deps);
    const safe = SAFE_METHODS.has(c.req.method);
    if (!session) {
      if (safe) return c.redirect(SIGN_IN_PATH, 303);
      deps.metrics.count(METRIC.consoleSignIns, 1, { outcome: 'no-session' });
      return c.html(signInPage({ formToken: formSession(c, deps), notice: NOT_SIGNED_IN }), 403);
    }
    const now = deps.clock.now();
    c.set('coordinator', { email: session.email, stage: deps.coordinators.includes(session.email) });
    c.set('csrfToken', formToken(session.csrfNonce, deps.keys, now));
    if (!safe) {
      const posted = c.req.header('x-csrf-token') ?? (await formFields(c))[CSRF_FIELD] ?? '';
      const check = checkFormToken(posted, session.csrfNonce, deps.keys, now);
      if (check !== 'ok') {
        correlated({}).warn('console request without its CSRF token', { reason: check });
        deps.metrics.count(METRIC.consoleSignIns, 1, { outcome: 'refused-csrf' });
        return c.html(csrfRefusedPage(signedInOf(c)), 403);
      }
    }
    await next();
  });

/**
 * The middleware of the routes under one round: reads the round `:roundId` names and sets it as the
 * `round` variable if the signed-in coordinator may manage it; otherwise answers 404 for a round that
 * does not exist (or a malformed id), 403 for one that is not theirs (they are neither on the stage's
 * list nor the round's own coordinator). Runs after `requireSession`.
 */
export const roundOfPath = (deps: Pick<ConsoleDeps, 'rounds'>) =>
  createMiddleware<RoundEnvironment>(async (c, next) => {
    const id = RoundId.safeParse(c.req.param('roundId'));
    const round = id.success ? await deps.rounds.getRound(id.data) : undefined;
    if (!round) return c.html(roundNotFoundPage(signedInOf(c)), 404);
    if (!mayManage(c.get('coordinator'), round.coordinatorEmail)) {
      correlated({ roundId: round.id }).warn('console: a coordinator asked for a round not theirs');
      return c.html(notYourRoundPage(signedInOf(c)), 403);
    }
    c.set('round', round);
    await next();
  });

/** What a page route tells the audit trail it did: the round (if any), the action, and more about it. */
export interface AuditedAction {
  roundId?: string;
  /** Kebab-case, such as `registration-open` (see AuditTrail). */
  action: string;
  /** For people: ids rather than addresses or names, at most 500 characters. */
  detail?: string;
}

/**
 * Writes what the signed-in coordinator just did to the audit trail (who: the coordinator; when: now).
 * Call it after each change a page route makes.
 */
export const audit = (
  c: AnyConsoleContext,
  deps: Pick<ConsoleDeps, 'audit' | 'clock'>,
  action: AuditedAction,
): Promise<void> =>
  deps.audit.record({
    ...(action.roundId ? { roundId: action.roundId } : {}),
    actor: c.get('coordinator').email,
    action: action.action,
    ...(action.detail !== undefined ? { detail: action.detail } : {}),
    at: deps.clock.now(),
  });

/** Where a signed-in coordinator starts: their rounds. */
export const ROUNDS_PATH = consolePath('rounds');
