import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { consolePath } from '#core/console/layout';
import { readRoundForm, roundFormFieldOf } from '#core/console/round-form';
import {
  AUDIT_TRAIL_LIMIT,
  asSentence,
  createForbiddenPage,
  newRoundPage,
  type RoundNotice,
  roundOverviewPage,
  roundsListPage,
  type Viewer,
} from '#core/console/rounds-pages';
import { roundNotFoundPage } from '#core/console/sign-in-pages';
import { InvalidRound, newRound } from '#core/coordinator/new-round';
import type { Round } from '#core/model';
import { plural } from '#core/plural';
import { NEW_ROUND_PAGE } from '#core/reserved-round-ids';
import { JOIN_PREFIX } from '#core/sign-up/paths';
import type { LedgerReader } from '#ports/ledger-reader';
import type { SendingGate } from '#ports/sending-gate';
import { createRound, RoundAlreadyExists } from '../../use-cases/coordinator/create-round.ts';
import { RoundNotFound, RoundStatusRefused } from '../../use-cases/coordinator/errors.ts';
import { listRoundSummaries } from '../../use-cases/coordinator/list-rounds.ts';
import { roundStatusReport } from '../../use-cases/coordinator/round-status.ts';
import { setRegistration } from '../../use-cases/coordinator/set-registration.ts';
import { type ConsoleDeps, type ConsoleEnvironment, mayManage } from './context.ts';
import { type AnyConsoleContext, audit, formFields, roundOfPath, signedInOf } from './session.ts';

/**
 * The console's Rounds pages (docs/console.md#rounds): the list, creating a round, and a round's page with
 * its status, registration and audit trail. Each calls the use case of the matching CLI command:
 * `round create` (createRound), `round registration` (setRegistration), `round status`
 * (roundStatusReport). Mounted at `/console/rounds` behind the session middleware, which sets the
 * coordinator and checks the CSRF token of every POST; `roundOfPath` and `audit` are the session module's.
 */

/** What the Rounds pages use: the ports of their use cases, and the audit trail. */
export type RoundRouteDeps = Pick<
  ConsoleDeps,
  'rounds' | 'lifecycle' | 'signUps' | 'queue' | 'clock' | 'audit'
> & {
  /** `round status` reads the send ledger and the account's sending state too. */
  ledger: Pick<LedgerReader, 'ledger'>;
  sendingGate: Pick<SendingGate, 'current'>;
  /**
   * The origin every mail link is built on (`LINKS_BASE_URL`), which serves the sign-up pages too: the
   * sign-up address is built on it. Without it, see `signUpAddress`.
   */
  linksBaseUrl?: string | undefined;
};

type Status = ContentfulStatusCode;

/** Who is looking, for the pages: `signedInOf`, and whether they may create rounds. */
const viewerOf = (c: AnyConsoleContext): Viewer => ({ ...signedInOf(c), stage: c.get('coordinator').stage });

/**
 * The round's public sign-up page, `/join/<roundId>`, on the origin that serves it: `linksBaseUrl` when
 * the console is given it; locally (plain HTTP from `tandem dev`, whose one front serves the console and
 * the sign-up pages) the request's own origin. On AWS a request reaches the function with its Function
 * URL's host, not the web domain, so without `linksBaseUrl` only the path is known; the page is served
 * from the web domain, so a link to the path still leads there.
 */
const signUpAddress = (c: AnyConsoleContext, deps: RoundRouteDeps, roundId: string): string => {
  const path = `${JOIN_PREFIX}${encodeURIComponent(roundId)}`;
  if (deps.linksBaseUrl) return `${deps.linksBaseUrl.replace(/\/+$/, '')}${path}`;
  if (!c.get('secure')) return `http://${new URL(c.req.url).host}${path}`;
  return path;
};

/** What the redirect after a change asks the round's page to say. */
const noticeOf = (query: (name: string) => string | undefined): RoundNotice | undefined => {
  const notice = query('notice');
  if (notice === 'created') return { kind: 'created' };
  if (notice === 'registration-closed') return { kind: 'registration-closed' };
  if (notice === 'registration-open') {
    const notified = query('notified') ?? '0';
    return { kind: 'registration-open', notified: /^\d{1,9}$/.test(notified) ? Number(notified) : 0 };
  }
  return undefined;
};

/** The round's page: its `round status`, registration, sign-up address and audit trail. */
const overview = async (
  c: AnyConsoleContext,
  deps: RoundRouteDeps,
  round: Round,
  extra: { notice?: RoundNotice; registrationError?: string },
  status: Status = 200,
): Promise<Response> => {
  const statusDeps = { ...deps, now: async () => deps.clock.now() };
  try {
    const [report, auditTrail] = await Promise.all([
      roundStatusReport(statusDeps, round.id),
      deps.audit.listForRound(round.id, AUDIT_TRAIL_LIMIT),
    ]);
    return c.html(
      roundOverviewPage({
        viewer: viewerOf(c),
        round,
        report,
        signUpAddress: signUpAddress(c, deps, round.id),
        auditTrail,
        ...extra,
      }),
      status,
    );
  } catch (error) {
    // Deleted since it was read.
    if (error instanceof RoundNotFound) return c.html(roundNotFoundPage(signedInOf(c)), 404);
    throw error;
  }
};

/** `/console/rounds`: the list, creating a round, and each round's page. */
export const roundRoutes = (deps: RoundRouteDeps) => {
  const app = new Hono<ConsoleEnvironment>();

  app.get('/', async (c) => {
    const coordinator = c.get('coordinator');
    const rows = await listRoundSummaries(deps, (round) => mayManage(coordinator, round.coordinatorEmail));
    return c.html(roundsListPage(viewerOf(c), rows));
  });

  // Before `/:roundId`: `new` names this form, and the console refuses it as a round id.
  app.get(`/${NEW_ROUND_PAGE}`, (c) => {
    const viewer = viewerOf(c);
    if (!viewer.stage) return c.html(createForbiddenPage(viewer), 403);
    return c.html(newRoundPage(viewer));
  });

  app.post('/', async (c) => {
    const viewer = viewerOf(c);
    if (!viewer.stage) return c.html(createForbiddenPage(viewer), 403);
    const read = readRoundForm(await formFields(c));
    const { values } = read;
    if (!read.ok) return c.html(newRoundPage(viewer, { values, errors: read.errors }), 400);
    let round: Round;
    try {
      round = newRound(read.request);
    } catch (error) {
      if (!(error instanceof InvalidRound)) throw error;
      const field = roundFormFieldOf(error.field) ?? 'round_id';
      return c.html(newRoundPage(viewer, { values, errors: { [field]: asSentence(error.message) } }), 400);
    }
    try {
      await createRound(deps, round);
    } catch (error) {
      if (!(error instanceof RoundAlreadyExists)) throw error;
      return c.html(newRoundPage(viewer, { values, errors: { round_id: asSentence(error.message) } }), 409);
    }
    await audit(c, deps, {
      roundId: round.id,
      action: 'round-create',
      // Ids and figures only: the trail names no one but the coordinator who acted.
      detail:
        `a draft of ${plural(round.weeks, 'week')} from ${round.startDate}` +
        (round.coordinatorEmail ? ', with its own coordinator' : ''),
    });
    return c.redirect(`${consolePath('rounds', round.id)}?notice=created`, 303);
  });

  app.get('/:roundId', roundOfPath(deps), async (c) => {
    const { round } = c.var;
    const notice = noticeOf((name) => c.req.query(name));
    return overview(c, deps, round, notice ? { notice } : {});
  });

  app.post('/:roundId/registration', roundOfPath(deps), async (c) => {
    const { round } = c.var;
    const registration = (await formFields(c)).registration;
    if (registration !== 'open' && registration !== 'closed') {
      return overview(c, deps, round, { registrationError: 'Choose to open or close registration' }, 400);
    }
    let notified: number;
    try {
      ({ notified } = await setRegistration(deps, round.id, registration, deps.clock.now()));
    } catch (error) {
      if (error instanceof RoundNotFound) return c.html(roundNotFoundPage(signedInOf(c)), 404);
      if (!(error instanceof RoundStatusRefused)) throw error;
      const current = (await deps.rounds.getRound(round.id)) ?? round;
      return overview(c, deps, current, { registrationError: asSentence(error.message) }, 409);
    }
    if (round.registration !== registration || notified > 0) {
      await audit(c, deps, {
        roundId: round.id,
        action: registration === 'open' ? 'registration-open' : 'registration-close',
        ...(registration === 'open'
          ? { detail: `${plural(notified, 'person', 'people')} from the waiting list told` }
          : {}),
      });
    }
    const query =
      registration === 'open'
        ? `notice=registration-open&notified=${notified}`
        : 'notice=registration-closed';
    return c.redirect(`${consolePath('rounds', round.id)}?${query}`, 303);
  });

  return app;
};
