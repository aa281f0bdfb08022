import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Hono } from 'hono';
import { correlated } from '#adapters/logger';
import { CONSOLE } from '#core/console/layout';
import { pageHeaders } from '#core/web-page';
import { readRequest } from '../http-request.ts';
import type { ConsoleDeps, ConsoleEnvironment } from './context.ts';
import { launchRoutes } from './launch.ts';
import { matchingRoutes } from './matching.ts';
import { peopleRoutes } from './people.ts';
import { registrationRoutes } from './registrations.ts';
import { roundRoutes } from './rounds.ts';
import { requireSession } from './session.ts';
import { signInRoutes } from './sign-in.ts';
import { statusRoutes } from './status.ts';

/** What Hono's Lambda adapter passes every request besides the request itself. */
type LambdaBindings = { event: APIGatewayProxyEventV2 };

/**
 * The console as one Hono app under `/console` (see docs/console.md). Hono routes the same on Lambda
 * (its adapter turns a Function URL event into a Request) and in tests (`app.request`), and leaves the
 * pages plain HTML: every page works without JavaScript.
 *
 * Order matters: the sign-in routes answer without a session; every route mounted after
 * `requireSession` needs one (else the sign-in page), and its POSTs a CSRF token.
 */
export const consoleApp = (deps: ConsoleDeps) => {
  const app = new Hono<ConsoleEnvironment & { Bindings: LambdaBindings }>().basePath(CONSOLE);
  app.use(async (c, next) => {
    const request = readRequest(c.env?.event ?? ({} as APIGatewayProxyEventV2), {
      originSecret: deps.originSecret,
    });
    c.set('secure', request.secure);
    c.set('client', request.client);
    await next();
    for (const [name, value] of Object.entries(pageHeaders({ script: false }))) {
      if (!c.res.headers.has(name)) c.header(name, value);
    }
  });
  app.route('/', signInRoutes(deps));
  app.use(requireSession(deps));
  app.route('/rounds', roundRoutes(deps));
  app.route('/rounds', registrationRoutes(deps));
  app.route('/rounds', matchingRoutes(deps));
  app.route('/rounds', launchRoutes(deps));
  app.route('/rounds', statusRoutes(deps));
  app.route('/people', peopleRoutes(deps));
  app.onError((error, c) => {
    correlated({}).error('console request failed', { error });
    return c.text('Something went wrong on our side; nothing was changed. Try again in a minute.', 500);
  });
  return app;
};
