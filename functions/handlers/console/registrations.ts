import type { Context } from 'hono';
import { Hono } from 'hono';
import {
  checkPersonForm,
  type Done,
  doneQuery,
  findMembers,
  type PersonErrors,
  type PersonField,
  type PersonValues,
  personValuesOf,
  readDone,
  readListQuery,
  readPersonForm,
  SCREEN_SIZE,
} from '#core/console/registrations';
import {
  addPersonPage,
  badPageLinkPage,
  changeAddressPage,
  editPersonPage,
  NEW_ADDRESS_FIELD,
  type RoundOnPage,
  refusalPage,
  registrationsListPage,
  registrationsPath,
  removePersonPage,
  UPLOAD_FILE_FIELD,
  UPLOAD_TEXT_FIELD,
  uploadPage,
  type Viewer,
} from '#core/console/registrations-pages';
import {
  parseRegistrations,
  type Registration,
  type RegistrationFile,
  RegistrationFileError,
} from '#core/coordinator/registration';
import { newId } from '#core/ids';
import { type Member, ParticipantId, type Profile, type Round } from '#core/model';
import { AddressChangeTooLarge } from '#ports/address-change';
import { AlreadyTaken, ConcurrentChange } from '#ports/errors';
import { InvalidPageCursor } from '#ports/store';
import { changeEmail, InvalidAddress } from '../../use-cases/coordinator/change-email.ts';
import { RoundNotFound, RoundStatusRefused, UnknownParticipant } from '../../use-cases/coordinator/errors.ts';
import {
  ImportInterrupted,
  type ImportOutcome,
  importRegistrations,
} from '../../use-cases/coordinator/import-registrations.ts';
import {
  MemberInPartnership,
  NotAMember,
  removeRegistration,
} from '../../use-cases/coordinator/remove-registration.ts';
import type { ConsoleDeps, RoundEnvironment } from './context.ts';
import { audit, roundOfPath } from './session.ts';

/**
 * The console's registrations pages (docs/console.md#registrations): a round's people, a registrations
 * file uploaded, one person registered, edited, removed or given a new address — each through the
 * coordinator use case the CLI calls, so both give the same results on the same inputs.
 */

/** What the registrations pages use: some of the console's ports, and the address change's store. */
export type RegistrationDeps = Pick<
  ConsoleDeps,
  'rounds' | 'participants' | 'signUps' | 'clock' | 'randomBytes' | 'audit' | 'addresses'
>;

// biome-ignore lint/suspicious/noExplicitAny: a route's context has its own path and input types.
type AnyContext = Context<RoundEnvironment, any, any>;

/**
 * Rows written at once by an upload. Each is three or four requests to the table; the console has 29
 * seconds (CloudFront's origin timeout), and a file of 20,000 rows takes about 60,000 requests.
 */
const UPLOAD_CONCURRENCY = 32;

/** A Lambda Function URL takes a request body of at most 6 MB; a 20,000-row file is about 3 MB. */
const MAX_UPLOAD_BYTES = 6 * 1024 * 1024;

/** The coordinator's fields the one-person form has no input for: its registrations keep them. */
const FORM_KEEPS = ['notes'] as const;

const viewerOf = (c: AnyContext): Viewer => ({
  email: c.get('coordinator').email,
  csrfToken: c.get('csrfToken'),
});

const roundNotFound = (c: AnyContext) =>
  c.html(
    refusalPage({
      viewer: viewerOf(c),
      title: 'There is no such round',
      message: 'Check the address, or pick the round from your list.',
    }),
    404,
  );

// --- helpers ---------------------------------------------------------------------------------------------

const onPage = (round: Round): RoundOnPage => ({ id: round.id, name: round.name, status: round.status });

/** 303 back to the list, confirming what was done. */
const backToList = (c: AnyContext, roundId: string, done: Done) =>
  c.redirect(`${registrationsPath(roundId)}?${doneQuery(done)}`, 303);

/** The round can no longer change its registrations: a page that says so (409). */
const notDraft = (c: AnyContext, round: Round) =>
  c.html(
    refusalPage({
      viewer: viewerOf(c),
      round: onPage(round),
      title: 'Registrations are closed',
      message: `Round ${round.id} is ${round.status}: registrations can only change while a round is a draft, before matching. Nothing was changed.`,
    }),
    409,
  );

/** The member the path names, or the 404 page: a malformed id, or nobody registered for the round. */
const memberOrNotFound = async (
  c: AnyContext,
  deps: RegistrationDeps,
  round: Round,
): Promise<Member | Response> => {
  const participantId = c.req.param('participantId') ?? '';
  const member = ParticipantId.safeParse(participantId).success
    ? await deps.participants.getMember(round.id, participantId)
    : undefined;
  return member ?? notRegistered(c, round);
};

const notRegistered = (c: AnyContext, round: Round) =>
  c.html(
    refusalPage({
      viewer: viewerOf(c),
      round: onPage(round),
      title: 'Not registered for this round',
      message:
        'Nobody registered for this round has that id: they may have been removed. Nothing was changed.',
    }),
    404,
  );

/** A form's posted fields, each name with all its values (a list may come as several inputs). */
const postedForm = async (c: AnyContext) => {
  const body = await c.req.parseBody({ all: true });
  const values = (name: string): string[] => {
    const value = body[name];
    return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
      (v): v is string => typeof v === 'string',
    );
  };
  return { body, values };
};

/** Registers people through the import use case, as `tandem participants import` does. */
const register = (
  deps: RegistrationDeps,
  roundId: string,
  registrations: readonly Registration[],
  keepUnset: readonly 'notes'[] = [],
): Promise<ImportOutcome> =>
  importRegistrations(
    { ...deps, newParticipantId: () => newId('p', deps.randomBytes) },
    { roundId, registrations, at: deps.clock.now(), keepUnset },
    { concurrency: UPLOAD_CONCURRENCY },
  );

/**
 * What an import's refusal says, and its status; anything else is the app's error handler's. A round
 * matched meanwhile is 409; an import that stopped part-way (throttled, timed out) is 503.
 */
const importRefusal = (error: unknown): { status: 404 | 409 | 503; message: string } => {
  if (error instanceof RoundNotFound) return { status: 404, message: error.message };
  if (error instanceof RoundStatusRefused)
    return { status: 409, message: `${error.message}. Nothing was imported.` };
  if (error instanceof ImportInterrupted) {
    const written = `${error.written} of ${error.total} written; importing the same again is safe`;
    return error.roundMatched
      ? { status: 409, message: `${error.message} (${written}).` }
      : { status: 503, message: `${error.message} (${written}). Try again in a minute.` };
  }
  throw error;
};

// --- the routes ------------------------------------------------------------------------------------------

/** The registrations pages, under `/console/rounds/:roundId/registrations` (mounted at `/rounds`). */
export const registrationRoutes = (deps: RegistrationDeps) => {
  const app = new Hono<RoundEnvironment>();
  app.use('/:roundId/registrations/*', roundOfPath(deps));

  // The list: one query per screen in the table's order; a search or an order reads the round once.
  app.get('/:roundId/registrations', async (c) => {
    const { round } = c.var;
    const query = readListQuery((name) => c.req.query(name));
    const done = readDone((name) => c.req.query(name));
    // Read beside the members (a draft's pending sign-ups are few: one small query).
    const pending = () =>
      round.status === 'draft' ? deps.signUps.countPending(round.id, deps.clock.now()) : Promise.resolve(0);
    const common = {
      viewer: viewerOf(c),
      round: onPage(round),
      q: query.q,
      sort: query.sort,
      ...(done ? { done } : {}),
    };

    if (query.q === '' && query.sort === undefined) {
      let page: Awaited<ReturnType<typeof deps.participants.listMembersPage>>;
      let pendingSignUps: number;
      try {
        [page, pendingSignUps] = await Promise.all([
          deps.participants.listMembersPage(round.id, {
            limit: SCREEN_SIZE,
            ...(query.page ? { after: query.page } : {}),
          }),
          pending(),
        ]);
      } catch (error) {
        if (!(error instanceof InvalidPageCursor)) throw error;
        return c.html(badPageLinkPage({ viewer: viewerOf(c), round: onPage(round) }), 400);
      }
      return c.html(
        registrationsListPage({
          ...common,
          members: page.members,
          paging: {
            kind: 'stored',
            first: query.page === undefined,
            ...(page.next ? { next: page.next } : {}),
          },
          pendingSignUps,
        }),
      );
    }

    const everyone: Member[] = [];
    const [, pendingSignUps] = await Promise.all([
      (async () => {
        for await (const members of deps.participants.listMembers(round.id)) everyone.push(...members);
      })(),
      pending(),
    ]);
    const found = findMembers(everyone, { q: query.q, sort: query.sort ?? 'name' });
    const screens = Math.max(1, Math.ceil(found.length / SCREEN_SIZE));
    const asked = Number(query.page ?? '1');
    const screen = Number.isInteger(asked) && asked >= 1 ? Math.min(asked, screens) : 1;
    return c.html(
      registrationsListPage({
        ...common,
        members: found.slice((screen - 1) * SCREEN_SIZE, screen * SCREEN_SIZE),
        paging: { kind: 'found', total: everyone.length, found: found.length, screen, screens },
        pendingSignUps,
      }),
    );
  });

  // --- a registrations file ---

  app.get('/:roundId/registrations/upload', async (c) => {
    const { round } = c.var;
    if (round.status !== 'draft') return notDraft(c, round);
    return c.html(uploadPage({ viewer: viewerOf(c), round: onPage(round) }));
  });

  app.post('/:roundId/registrations/upload', async (c) => {
    const { round } = c.var;
    const { body } = await postedForm(c);
    const page = { viewer: viewerOf(c), round: onPage(round) };
    const pasted = [body[UPLOAD_TEXT_FIELD]].flat().find((v): v is string => typeof v === 'string') ?? '';
    const shown = { ...page, text: pasted };
    const refuse = (fileError: string) => c.html(uploadPage({ ...shown, fileError }), 400);

    // As the CLI does: the file is read and checked whole before anything is written.
    const file = [body[UPLOAD_FILE_FIELD]].flat().find((v): v is File => typeof v === 'object' && v.size > 0);
    let text: string;
    let format: 'csv' | 'json' = 'csv';
    if (file) {
      if (file.size > MAX_UPLOAD_BYTES)
        return refuse('The file is larger than 6 MB: split it into smaller files');
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
      } catch {
        return refuse('The file is not UTF-8 text (in a spreadsheet, save it as "CSV UTF-8")');
      }
      if (file.name.toLowerCase().endsWith('.json')) format = 'json';
    } else if (pasted.trim() !== '') {
      text = pasted;
    } else {
      return refuse('Choose a registrations file, or paste its rows');
    }

    let parsed: RegistrationFile;
    try {
      parsed = parseRegistrations(text, format);
    } catch (error) {
      if (!(error instanceof RegistrationFileError)) throw error;
      return refuse(`The file cannot be imported: ${error.message}`);
    }
    if (parsed.issues.length > 0) {
      return c.html(
        uploadPage({ ...shown, problems: parsed.issues, rows: parsed.rows, invalidRows: parsed.invalidRows }),
        400,
      );
    }

    let outcome: ImportOutcome;
    try {
      outcome = await register(deps, round.id, parsed.registrations);
    } catch (error) {
      const refusal = importRefusal(error);
      if (error instanceof ImportInterrupted && error.written > 0) {
        await audit(c, deps, {
          roundId: round.id,
          action: 'participants-import',
          detail: `stopped: ${error.written} of ${error.total} written`,
        });
      }
      return c.html(uploadPage({ ...shown, problem: refusal.message }), refusal.status);
    }
    await audit(c, deps, {
      roundId: round.id,
      action: 'participants-import',
      detail: `${parsed.rows} rows: ${outcome.imported} new, ${outcome.updated} updated, ${outcome.inactive.length} inactive`,
    });
    return backToList(c, round.id, {
      done: 'imported',
      imported: outcome.imported,
      updated: outcome.updated,
      inactive: outcome.inactive.length,
    });
  });

  // --- one person ---

  app.get('/:roundId/registrations/add', async (c) => {
    const { round } = c.var;
    if (round.status !== 'draft') return notDraft(c, round);
    return c.html(addPersonPage({ viewer: viewerOf(c), round: onPage(round) }));
  });

  app.post('/:roundId/registrations/add', async (c) => {
    const { round } = c.var;
    const { values } = await postedForm(c);
    const form = readPersonForm((field: PersonField) => values(field));
    const page = { viewer: viewerOf(c), round: onPage(round), values: form };
    const checked = checkPersonForm(form);
    if (!checked.ok) return c.html(addPersonPage({ ...page, errors: checked.errors }), 400);

    const saved = await registerOne(deps, round.id, checked.profile);
    if ('status' in saved) return c.html(addPersonPage({ ...page, problem: saved.message }), saved.status);
    await audit(c, deps, {
      roundId: round.id,
      action: 'participant-add',
      detail: `${saved.participant.id}${saved.updated ? ' (registered already: updated)' : ''}`,
    });
    return backToList(c, round.id, { done: saved.updated ? 'saved' : 'added' });
  });

  app.get('/:roundId/registrations/:participantId/edit', async (c) => {
    const { round } = c.var;
    const member = await memberOrNotFound(c, deps, round);
    if (member instanceof Response) return member;
    if (round.status !== 'draft') return notDraft(c, round);
    // The profile is what saving overwrites (a later registration elsewhere may have changed it).
    const profile = (await deps.participants.getParticipant(member.id)) ?? member;
    return c.html(editPage(c, round, member.id, profile, personValuesOf(profile)));
  });

  app.post('/:roundId/registrations/:participantId/edit', async (c) => {
    const { round } = c.var;
    const member = await memberOrNotFound(c, deps, round);
    if (member instanceof Response) return member;
    const profile = (await deps.participants.getParticipant(member.id)) ?? member;
    const { values } = await postedForm(c);
    // The address is not the form's to change: that is a page of its own (every round, one transaction).
    const form = { ...readPersonForm((field: PersonField) => values(field)), email: profile.email };
    const checked = checkPersonForm(form);
    if (!checked.ok) return c.html(editPage(c, round, member.id, profile, form, checked.errors), 400);

    const saved = await registerOne(deps, round.id, checked.profile);
    if ('status' in saved) {
      return c.html(editPage(c, round, member.id, profile, form, {}, saved.message), saved.status);
    }
    await audit(c, deps, { roundId: round.id, action: 'participant-edit', detail: saved.participant.id });
    return backToList(c, round.id, { done: 'saved' });
  });

  // --- removing one person (a draft round only) ---

  app.get('/:roundId/registrations/:participantId/remove', async (c) => {
    const { round } = c.var;
    const member = await memberOrNotFound(c, deps, round);
    if (member instanceof Response) return member;
    if (round.status !== 'draft') return notDraft(c, round);
    return c.html(removePersonPage({ viewer: viewerOf(c), round: onPage(round), member }));
  });

  app.post('/:roundId/registrations/:participantId/remove', async (c) => {
    const { round } = c.var;
    const participantId = c.req.param('participantId');
    if (!ParticipantId.safeParse(participantId).success) return notRegistered(c, round);
    try {
      await removeRegistration(deps, { roundId: round.id, participantId });
    } catch (error) {
      if (error instanceof NotAMember) return notRegistered(c, round);
      if (error instanceof RoundStatusRefused)
        return notDraft(c, { ...round, status: error.status as Round['status'] });
      if (error instanceof RoundNotFound) return roundNotFound(c);
      if (error instanceof MemberInPartnership) {
        return c.html(
          refusalPage({
            viewer: viewerOf(c),
            round: onPage(round),
            title: 'Not removed',
            message: `${error.message}. Nothing was changed.`,
          }),
          409,
        );
      }
      throw error;
    }
    await audit(c, deps, { roundId: round.id, action: 'participant-remove', detail: participantId });
    return backToList(c, round.id, { done: 'removed' });
  });

  // --- a new address (any round status: the address changes in every round still in use) ---

  app.get('/:roundId/registrations/:participantId/email', async (c) => {
    const { round } = c.var;
    const member = await memberOrNotFound(c, deps, round);
    if (member instanceof Response) return member;
    const profile = (await deps.participants.getParticipant(member.id)) ?? member;
    return c.html(
      changeAddressPage({
        viewer: viewerOf(c),
        round: onPage(round),
        member: { ...member, email: profile.email },
      }),
    );
  });

  app.post('/:roundId/registrations/:participantId/email', async (c) => {
    const { round } = c.var;
    const member = await memberOrNotFound(c, deps, round);
    if (member instanceof Response) return member;
    const profile = (await deps.participants.getParticipant(member.id)) ?? member;
    const { values } = await postedForm(c);
    const to = (values(NEW_ADDRESS_FIELD)[0] ?? '').trim();
    const page = {
      viewer: viewerOf(c),
      round: onPage(round),
      member: { ...member, email: profile.email },
      value: to,
    };
    const fieldError = (error: string) => c.html(changeAddressPage({ ...page, error }), 400);
    const problem = (message: string, status: 404 | 409 | 503) =>
      c.html(changeAddressPage({ ...page, problem: message }), status);
    if (to === '') return fieldError('Enter their new email address');

    let change: Awaited<ReturnType<typeof changeEmail>>;
    try {
      change = await changeEmail(deps, { from: profile.email, to }, deps.clock.now());
    } catch (error) {
      if (error instanceof InvalidAddress) {
        return error.which === 'to'
          ? fieldError(`Enter an email address in the right form, like name@example.org (${error.message})`)
          : problem(`Their stored address cannot be changed here: ${error.message}`, 409);
      }
      if (error instanceof AlreadyTaken)
        return fieldError(`${error.value} is registered to someone else already`);
      if (error instanceof UnknownParticipant) return problem(`${error.message}. Nothing was changed.`, 404);
      if (error instanceof AddressChangeTooLarge) {
        return problem(
          `The change is too large to make at once: ${error.message}. Nothing was changed.`,
          409,
        );
      }
      if (error instanceof ConcurrentChange) {
        return problem(
          'Something about this person changed while their address was being changed. Nothing was changed: try again.',
          409,
        );
      }
      throw error;
    }
    if (!change.changed) return fieldError(`${change.to} is their address already`);
    await audit(c, deps, {
      roundId: round.id,
      action: 'participant-change-email',
      detail: `${change.participantId}: in ${change.rounds.map((r) => r.roundId).join(', ') || 'no round'}`,
    });
    return backToList(c, round.id, { done: 'address', rounds: change.rounds.length });
  });

  /** The edit page, as first shown or again with what is wrong. */
  const editPage = (
    c: AnyContext,
    round: Round,
    participantId: string,
    profile: Profile,
    values: PersonValues,
    errors: PersonErrors = {},
    problem?: string,
  ) =>
    editPersonPage({
      viewer: viewerOf(c),
      round: onPage(round),
      participantId,
      person: { name: profile.name, email: profile.email, notes: profile.notes },
      values,
      errors,
      ...(problem ? { problem } : {}),
    });

  return app;
};

/**
 * One person registered through the import, as one row of a file: the form has no input for a file's
 * extra columns, so a person registered before keeps their notes. A refusal comes back as its message.
 */
const registerOne = async (
  deps: RegistrationDeps,
  roundId: string,
  profile: Profile,
): Promise<
  { participant: ImportOutcome['participants'][number]; updated: boolean } | ReturnType<typeof importRefusal>
> => {
  try {
    const outcome = await register(deps, roundId, [{ ref: { index: 0 }, profile }], FORM_KEEPS);
    const participant = outcome.participants[0];
    if (!participant) throw new Error('the import registered nobody');
    return { participant, updated: outcome.updated > 0 };
  } catch (error) {
    return importRefusal(error);
  }
};
