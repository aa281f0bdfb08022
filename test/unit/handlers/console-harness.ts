import { type Context, type Env, Hono } from 'hono';
import { beforeAll } from 'vitest';
import { logger } from '#adapters/logger';
import type { ConsoleEnvironment, Coordinator } from '#handlers/console/context';

/**
 * What the console's route tests share: one page's routes mounted under `/console` as app.ts mounts them,
 * behind a stand-in for the console's middleware, and a browser's GET and form POST on them. One stand-in
 * sets every variable that middleware sets, so a page's tests reach its routes without signing in
 * (console-sign-in.test.ts tests the real session) and a new variable is added in one place.
 */

/** A coordinator of the stage: every round, and creating rounds. */
export const STAGE: Coordinator = { email: 'stage@example.org', stage: true };
/** The coordinator the tests' rounds name as their own. */
export const ROUND_COORDINATOR: Coordinator = { email: 'round.coordinator@example.org', stage: false };
/** A coordinator of no round the tests make. */
export const OTHER: Coordinator = { email: 'someone.else@example.org', stage: false };
/** The signed-in session's CSRF token, which every form posts back. */
export const CSRF = 'the-sessions-csrf-token';

/** Keeps the routes' logs of refused and failed requests out of the test output. */
export const silenceLogs = () =>
  beforeAll(() => {
    logger.setLogLevel('SILENT');
  });

/** Random bytes that differ from call to call (for 255 calls) and repeat from run to run. */
export const countingRandomBytes = () => {
  let bytes = 0;
  return (size: number) => new Uint8Array(size).fill(++bytes % 256);
};

/** What the tests read of an answer. */
const answerOf = async (response: Response) => ({
  status: response.status,
  headers: response.headers,
  location: response.headers.get('location'),
  body: await response.text(),
});

/**
 * `routes` mounted at `/console<path>`, signed in as `signedIn` (or whoever it names for each request).
 * `post` sends `fields` as a form with the session's CSRF token, as the page's form does; a multipart
 * form (an upload) goes as it is.
 */
export const consoleRoutes = <E extends Env>(
  path: string,
  routes: Hono<E>,
  signedIn: Coordinator | ((c: Context<ConsoleEnvironment>) => Coordinator) = STAGE,
) => {
  const app = new Hono<ConsoleEnvironment>().basePath('/console');
  app.use(async (c, next) => {
    c.set('coordinator', typeof signedIn === 'function' ? signedIn(c) : signedIn);
    c.set('csrfToken', CSRF);
    c.set('secure', false);
    c.set('client', '203.0.113.7');
    await next();
  });
  app.route(path, routes);
  const get = async (url: string, headers: Record<string, string> = {}) =>
    answerOf(await app.request(url, { headers }));
  const post = async (
    url: string,
    fields: Record<string, string> | FormData = {},
    headers: Record<string, string> = {},
  ) => {
    const body = fields instanceof FormData ? fields : new URLSearchParams({ csrf_token: CSRF, ...fields });
    return answerOf(await app.request(url, { method: 'POST', body, headers }));
  };
  return { get, post };
};
