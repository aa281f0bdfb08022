import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ComposeSettings } from '#core/compose-mail';
import {
  CONFIRM_FIELD,
  launchPage,
  launchUnderWayPage,
  noPreviewPage,
  notLaunchablePage,
  PARTICIPANT_FIELD,
  PREVIEW_FORMATS,
  type PreviewFormat,
} from '#core/console/launch-pages';
import { asSentence } from '#core/console/rounds-pages';
import { roundNotFoundPage } from '#core/console/sign-in-pages';
import { statusPath } from '#core/console/status-pages';
import type { LaunchPlan } from '#core/coordinator/launch-plan';
import { ParticipantId, type Round } from '#core/model';
import type { OutboundMail } from '#core/outbound-mail';
import type { LifecycleStore, ParticipantStore } from '#ports/store';
import { RoundNotFound, RoundStatusRefused } from '../../use-cases/coordinator/errors.ts';
import {
  NoIntroduction,
  planLaunch,
  previewIntroduction,
} from '../../use-cases/coordinator/launch-preview.ts';
import { requestLaunch } from '../../use-cases/coordinator/request-launch.ts';
import type { ConsoleDeps, RoundEnvironment } from './context.ts';
import { audit, formFields, roundOfPath, signedInOf } from './session.ts';

/**
 * The console's launch page (docs/console.md#launch), mounted at `/console/rounds` behind the session
 * middleware: what launching a matched round will do, one member's introduction as they will get it,
 * and the launch itself — `requestLaunch`, the use case of `tandem round launch`.
 */

/** What the launch routes use: the console's ports, and what the sender composes mail with. */
export type LaunchRouteDeps = Pick<
  ConsoleDeps,
  'rounds' | 'bus' | 'clock' | 'audit' | 'keys' | 'linksBaseUrl'
> & {
  lifecycle: Pick<LifecycleStore, 'loadRoundState'>;
  participants: Pick<ParticipantStore, 'getMember' | 'getSendContext'>;
  /**
   * `MAIL_FROM`: the address round mail comes from (the send function's), the preview's From and the
   * base of its thread headers.
   */
  mailFrom: string;
  /** `REPLY_DOMAIN`: the domain of the relay addresses, the preview's Reply-To and unsubscribe mailto. */
  replyDomain: string;
};

// biome-ignore lint/suspicious/noExplicitAny: a route's context has its own path and input types.
type AnyContext = Context<RoundEnvironment, any, any>;

/**
 * How long after a launch request the console takes a still-matched round to be launching: the launch
 * function takes a request up within seconds. Pressing the button again meanwhile would put a second
 * request on the bus, which the launch function refuses (the transition to running is conditional) —
 * harmless, but the page says so instead. After this long, a request that came to nothing (the launch
 * function failed for good) can be made again.
 */
export const LAUNCH_UNDER_WAY_MS = 15 * 60_000;

/** The action the audit trail records a launch request as. */
export const LAUNCH_ACTION = 'round-launch';

/** The headers of a preview: its own strict policy (see previewHeaders), never cached, never framed. */
const PREVIEW_COMMON = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * A preview is the mail's own HTML, served on its own, not inside a console page. Its CSP allows the
 * mail's inline styles (MJML writes `<style>` blocks and style attributes) and data: images only — no
 * script, no request to anywhere — and `sandbox` puts the document in an opaque origin besides, so
 * nothing in it could act as the console even if it ran. It cannot be framed or submit forms. The
 * console's own pages keep their policy (the app sets it on responses without one).
 */
export const previewHeaders = (format: PreviewFormat): Record<string, string> =>
  format === 'html'
    ? {
        ...PREVIEW_COMMON,
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy':
          "default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'; sandbox",
      }
    : {
        ...PREVIEW_COMMON,
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
      };

const settingsOf = (deps: LaunchRouteDeps): ComposeSettings => ({
  from: deps.mailFrom,
  replyDomain: deps.replyDomain,
  keys: deps.keys,
  linksBaseUrl: deps.linksBaseUrl,
});

/** The introduction of the member the query names, or why there is none (a sentence for the page). */
const previewOf = async (
  deps: LaunchRouteDeps,
  round: Round,
  participantId: string,
): Promise<{ mail: OutboundMail } | { error: string; status: 404 | 409 }> => {
  if (!ParticipantId.safeParse(participantId).success)
    return { error: 'Choose someone from the list', status: 404 };
  try {
    return { mail: await previewIntroduction(deps, { roundId: round.id, participantId }, settingsOf(deps)) };
  } catch (error) {
    if (error instanceof NoIntroduction) {
      return {
        status: 404,
        error:
          error.why === 'not-a-member'
            ? 'They are not registered for this round: choose someone from the list'
            : error.why === 'no-partner'
              ? 'They have no partner, so they get no introduction: choose someone from the list'
              : 'They are paused, unsubscribed or their address stopped working, so they get no introduction',
      };
    }
    if (error instanceof RoundStatusRefused) return { error: asSentence(error.message), status: 409 };
    throw error;
  }
};

/** `/console/rounds/<roundId>/launch` and its preview. */
export const launchRoutes = (deps: LaunchRouteDeps) => {
  const app = new Hono<RoundEnvironment>();
  app.use('/:roundId/launch/*', roundOfPath(deps));

  /** The round's launch plan, or the page that says why there is none (409, 404). */
  const planOr = async (c: AnyContext, round: Round): Promise<LaunchPlan | Response> => {
    try {
      return await planLaunch(deps, round.id, deps.clock.now());
    } catch (error) {
      if (error instanceof RoundNotFound) return c.html(roundNotFoundPage(signedInOf(c)), 404);
      if (!(error instanceof RoundStatusRefused)) throw error;
      const current = (await deps.rounds.getRound(round.id)) ?? round;
      return c.html(
        notLaunchablePage({ viewer: signedInOf(c), round: current, message: asSentence(error.message) }),
        409,
      );
    }
  };

  app.get('/:roundId/launch', async (c) => {
    const { round } = c.var;
    const plan = await planOr(c, round);
    if (plan instanceof Response) return plan;
    const participantId = c.req.query(PARTICIPANT_FIELD);
    if (participantId === undefined) return c.html(launchPage({ viewer: signedInOf(c), round, plan }));
    const preview = await previewOf(deps, round, participantId);
    return 'mail' in preview
      ? c.html(
          launchPage({ viewer: signedInOf(c), round, plan, preview: { participantId, mail: preview.mail } }),
        )
      : c.html(
          launchPage({
            viewer: signedInOf(c),
            round,
            plan,
            preview: { participantId, error: preview.error },
          }),
          preview.status,
        );
  });

  app.get('/:roundId/launch/preview', async (c) => {
    const { round } = c.var;
    const format = c.req.query('format') ?? 'html';
    if (!(PREVIEW_FORMATS as readonly string[]).includes(format)) {
      return c.html(
        noPreviewPage({ viewer: signedInOf(c), round, message: 'A preview is either html or text.' }),
        400,
      );
    }
    if (round.status !== 'matched') {
      return c.html(
        notLaunchablePage({
          viewer: signedInOf(c),
          round,
          message: `Round ${round.id} is ${round.status}: only a matched round’s introductions are previewed`,
        }),
        409,
      );
    }
    const preview = await previewOf(deps, round, c.req.query(PARTICIPANT_FIELD) ?? '');
    if (!('mail' in preview)) {
      return c.html(noPreviewPage({ viewer: signedInOf(c), round, message: preview.error }), preview.status);
    }
    const headers = previewHeaders(format as PreviewFormat);
    return format === 'html'
      ? c.body(preview.mail.html, 200, headers)
      : c.body(preview.mail.text, 200, headers);
  });

  app.post('/:roundId/launch', async (c) => {
    const { round } = c.var;
    const confirmed = (await formFields(c))[CONFIRM_FIELD] === 'yes';
    if (!confirmed) {
      const plan = await planOr(c, round);
      if (plan instanceof Response) return plan;
      return c.html(
        launchPage({
          viewer: signedInOf(c),
          round,
          plan,
          confirmError: 'Tick the box to confirm that the introductions go out now',
        }),
        400,
      );
    }
    if (round.status === 'matched') {
      const since = deps.clock.now().getTime() - LAUNCH_UNDER_WAY_MS;
      const asked = (await deps.audit.listForRound(round.id, 20)).find(
        (entry) => entry.action === LAUNCH_ACTION && entry.at.getTime() > since,
      );
      if (asked) {
        return c.html(
          launchUnderWayPage({
            viewer: signedInOf(c),
            round,
            requestedAt: asked.at,
            requestedBy: asked.actor,
          }),
          409,
        );
      }
    }
    let eventId: string;
    try {
      ({ eventId } = await requestLaunch(deps, round.id));
    } catch (error) {
      if (error instanceof RoundNotFound) return c.html(roundNotFoundPage(signedInOf(c)), 404);
      if (!(error instanceof RoundStatusRefused)) throw error;
      const current = (await deps.rounds.getRound(round.id)) ?? round;
      return c.html(
        notLaunchablePage({ viewer: signedInOf(c), round: current, message: asSentence(error.message) }),
        409,
      );
    }
    await audit(c, deps, { roundId: round.id, action: LAUNCH_ACTION, detail: `event ${eventId}` });
    return c.redirect(`${statusPath(round.id)}?notice=launch-requested`, 303);
  });

  return app;
};
