import type { Context } from 'hono';
import { Hono } from 'hono';
import { correlated } from '#adapters/logger';
import {
  CONFIRM_EMAIL_FIELD,
  EMAIL_FIELD,
  type Forgotten,
  forgetPage,
  peopleForbiddenPage,
  peoplePage,
  peoplePath,
  personNotFoundPage,
  readAddress,
} from '#core/console/people-pages';
import { ParticipantId } from '#core/model';
import type { PersonalDataStore, RawMailEraser } from '#ports/personal-data';
import type { LifecycleStore, MembershipStore, ParticipantStore } from '#ports/store';
import { UnknownParticipant } from '../../use-cases/coordinator/errors.ts';
import { exportPersonalData } from '../../use-cases/coordinator/export-participant.ts';
import {
  type ForgetPlan,
  type ForgetResult,
  forgetParticipant,
  planForget,
} from '../../use-cases/coordinator/forget-participant.ts';
import { lookUpPerson } from '../../use-cases/coordinator/look-up-person.ts';
import type { ConsoleDeps, ConsoleEnvironment } from './context.ts';
import { audit, formFields, signedInOf } from './session.ts';

/**
 * The console's people pages (docs/console.md#people), mounted at `/console/people` behind the session
 * middleware: a data-subject request answered as `tandem participants export` and `participants forget`
 * answer it, through the same use cases. For the stage's coordinators only: a person may be in rounds of
 * several coordinators, and their export and their erasure reach every one.
 */

/** What the people routes use: the personal-data store, and what forgetting needs besides. */
export type PeopleRouteDeps = Pick<ConsoleDeps, 'bus' | 'clock' | 'audit'> & {
  /** Profiles by id; and, to unsubscribe, what a participant's unsubscribe link reads and writes. */
  participants: Pick<ParticipantStore, 'getParticipant' | 'getSendContext' | 'recordActivity'>;
  lifecycle: Pick<LifecycleStore, 'markAtRisk' | 'recordCheckin'>;
  /** Finds everything stored about a person, and anonymises it (DynamoPersonalData). */
  personalData: PersonalDataStore;
  /** Forgetting unsubscribes them from the rounds they still take part in (DynamoMembership). */
  membership: MembershipStore;
  /**
   * Deletes the raw inbound mails they sent: the raw-mail bucket on AWS (S3RawMailEraser, from
   * RAW_MAIL_BUCKET and RAW_MAIL_PREFIX), the local stack's folder locally (FileRawMailEraser, from
   * RAW_MAIL_DIR).
   */
  rawMailEraser: RawMailEraser;
};

// biome-ignore lint/suspicious/noExplicitAny: a route's context has its own path and input types.
type AnyContext = Context<ConsoleEnvironment, any, any>;

/** The raw mails the confirmation names by where they are kept, as the CLI does. */
const RAW_MAIL_SHOWN = 3;

const NOBODY = 'Nobody is registered with this participant id (never registered, or forgotten already).';

/** A whole number from the redirect's query, or 0. */
const count = (value: string | undefined): number =>
  value !== undefined && /^\d{1,6}$/.test(value) ? Number(value) : 0;

/** `/console/people`: finding a person, their data's export, forgetting them. */
export const peopleRoutes = (deps: PeopleRouteDeps) => {
  const app = new Hono<ConsoleEnvironment>();

  // Every page, GET or POST: a round's own coordinator may not read or erase a person's data.
  app.use(async (c, next) => {
    if (!c.get('coordinator').stage) return c.html(peopleForbiddenPage(signedInOf(c)), 403);
    await next();
  });

  const notFound = (c: AnyContext) => c.html(personNotFoundPage(signedInOf(c), NOBODY), 404);

  /**
   * The person the path's id names, by their stored profile (one read): their address, which the use
   * cases take. The 404 page for a malformed id, or one nobody has (never registered, or forgotten).
   */
  const personOf = async (c: AnyContext): Promise<{ participantId: string; email: string } | Response> => {
    const participantId = c.req.param('participantId') ?? '';
    if (!ParticipantId.safeParse(participantId).success) return notFound(c);
    const profile = await deps.participants.getParticipant(participantId);
    return profile ? { participantId, email: profile.email } : notFound(c);
  };

  /** What forgetting the person would do (planForget reads everything about them); or the 404 page. */
  const planOf = async (c: AnyContext, person: { participantId: string; email: string }) => {
    try {
      const plan = await planForget(deps, person.email);
      return plan.participantId === person.participantId ? plan : notFound(c);
    } catch (error) {
      if (error instanceof UnknownParticipant) return notFound(c);
      throw error;
    }
  };

  const locations = (plan: ForgetPlan) =>
    plan.inboundMails.slice(0, RAW_MAIL_SHOWN).map((mailId) => deps.rawMailEraser.locate(mailId));

  // The search reads only the email lookup and the member items (lookUpPerson): the rest of what is
  // stored about the person is read when the coordinator asks for the export or the erasure.
  app.get('/', async (c) => {
    const viewer = signedInOf(c);
    const forgottenId = c.req.query('forgotten');
    const forgotten: Forgotten | undefined =
      forgottenId && ParticipantId.safeParse(forgottenId).success
        ? {
            participantId: forgottenId,
            left: count(c.req.query('left')),
            refused: count(c.req.query('refused')),
          }
        : undefined;
    const value = c.req.query(EMAIL_FIELD);
    if (value === undefined) return c.html(peoplePage({ viewer, ...(forgotten ? { forgotten } : {}) }));
    const read = readAddress(value);
    if (!read.ok) return c.html(peoplePage({ viewer, value, error: read.error }), 400);
    try {
      const found = await lookUpPerson(deps, read.address);
      return c.html(peoplePage({ viewer, value, found }));
    } catch (error) {
      if (!(error instanceof UnknownParticipant)) throw error;
      return c.html(peoplePage({ viewer, value, error: `Nobody is registered with ${read.address}` }), 404);
    }
  });

  app.get('/:participantId/export.json', async (c) => {
    const person = await personOf(c);
    if (person instanceof Response) return person;
    let document: Awaited<ReturnType<typeof exportPersonalData>>;
    try {
      document = await exportPersonalData(deps, person.email, deps.clock.now());
    } catch (error) {
      if (!(error instanceof UnknownParticipant)) throw error;
      return notFound(c);
    }
    if (document.participantId !== person.participantId) return notFound(c);
    await audit(c, deps, { action: 'participant-export', detail: document.participantId });
    // The very bytes `tandem participants export` writes.
    return c.body(`${JSON.stringify(document, null, 2)}\n`, 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="tandem-${document.participantId}.json"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
  });

  app.get('/:participantId/forget', async (c) => {
    const person = await personOf(c);
    if (person instanceof Response) return person;
    const plan = await planOf(c, person);
    if (plan instanceof Response) return plan;
    return c.html(forgetPage({ viewer: signedInOf(c), plan, rawMailLocations: locations(plan) }));
  });

  app.post('/:participantId/forget', async (c) => {
    const participantId = c.req.param('participantId');
    const typed = (await formFields(c))[CONFIRM_EMAIL_FIELD] ?? '';
    const read = readAddress(typed);
    // The address typed must be theirs: the stored one, or — once a forget that stopped part-way has
    // anonymised the profile — the one whose email lookup (deleted last) still names them.
    const profile = ParticipantId.safeParse(participantId).success
      ? await deps.participants.getParticipant(participantId)
      : undefined;
    let plan: ForgetPlan | undefined;
    if (read.ok && (!profile || profile.email === read.address)) {
      try {
        plan = await planForget(deps, read.address);
      } catch (error) {
        if (!(error instanceof UnknownParticipant)) throw error;
      }
    }
    if (!plan || plan.participantId !== participantId) {
      // Not their address (or nobody's): the page again, with what it would do, and nothing done.
      const person = await personOf(c);
      if (person instanceof Response) return person;
      const shown = await planOf(c, person);
      if (shown instanceof Response) return shown;
      return c.html(
        forgetPage({
          viewer: signedInOf(c),
          plan: shown,
          rawMailLocations: locations(shown),
          value: typed,
          error: read.ok
            ? `That is not their address: type ${shown.email}. Nobody was forgotten`
            : `${read.error}: type ${shown.email}. Nobody was forgotten`,
        }),
        400,
      );
    }
    let result: ForgetResult;
    try {
      result = await forgetParticipant({ ...deps, rawMail: deps.rawMailEraser }, plan, deps.clock.now());
    } catch (error) {
      // Every step is idempotent and the email lookup goes last: the same request finishes the job.
      correlated({}).error('console: forgetting a person stopped part-way', { error });
      await audit(c, deps, { action: 'participant-forget-incomplete', detail: plan.participantId });
      return c.html(
        forgetPage({
          viewer: signedInOf(c),
          plan,
          rawMailLocations: locations(plan),
          value: typed,
          problem:
            'Forgetting stopped part-way, on our side. They are partly forgotten: press the button again to finish (what is done already is skipped).',
        }),
        503,
      );
    }
    await audit(c, deps, { action: 'participant-forget', detail: result.participantId });
    const query = new URLSearchParams({
      forgotten: result.participantId,
      left: String(result.left.length),
      refused: String(result.left.filter((l) => l.outcome === 'refused').length),
    });
    return c.redirect(`${peoplePath()}?${query}`, 303);
  });

  return app;
};
