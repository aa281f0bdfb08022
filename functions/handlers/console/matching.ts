import type { Context } from 'hono';
import { Hono } from 'hono';
import {
  KEEP_LOCKED_FIELD,
  type MatchingAction,
  type MatchingField,
  type MatchingPageInput,
  matchingNoticeQuery,
  matchingPage,
  matchingPath,
  PARTNERSHIP_FIELD,
  type PersonOnPage,
  readMatchingNotice,
} from '#core/console/matching-pages';
import { asSentence } from '#core/console/rounds-pages';
import { roundNotFoundPage } from '#core/console/sign-in-pages';
import { MatchInputError, MatchSettings } from '#core/coordinator/matching/index';
import { EditRefused, type EditSubject, type ProposalEdit } from '#core/coordinator/proposal-edits';
import { withoutPartner } from '#core/coordinator/without-partner';
import { newId } from '#core/ids';
import { type Member, ParticipantId, PartnershipId } from '#core/model';
import { plural } from '#core/plural';
import { editProposal } from '../../use-cases/coordinator/edit-proposal.ts';
import {
  ProposalInterrupted,
  RoundNotFound,
  RoundStatusRefused,
} from '../../use-cases/coordinator/errors.ts';
import { exportReviewFile } from '../../use-cases/coordinator/export-review-file.ts';
import { ReviewFileInvalid } from '../../use-cases/coordinator/import-review-file.ts';
import { InvalidMatchSettings, matchRound } from '../../use-cases/coordinator/match-round.ts';
import type { ConsoleDeps, RoundEnvironment } from './context.ts';
import { audit, formFields, roundOfPath, signedInOf } from './session.ts';

/**
 * The console's Matching page (docs/console.md#matching): a round matched with its settings, the proposal
 * reviewed and changed — a person moved, two swapped, a partnership locked or unlocked — and matched
 * again around the locked partnerships. Each through the use case the CLI calls: `tandem match`
 * (matchRound), `tandem matches export` (exportReviewFile), and for the changes the review file's import
 * (editProposal: the edit as the review file that makes it, through `tandem matches import`'s checks),
 * so both give the same results and refusals. Mounted at `/console/rounds` behind the session middleware.
 *
 * Matching runs in the request: 2,000 people take well under the benchmark's 5 seconds on one core, and
 * the console function has 29 seconds and a whole vCPU.
 */

/** What the Matching page uses: the proposal's ports, the audit trail, and ids for new partnerships. */
export type MatchingDeps = Pick<
  ConsoleDeps,
  'rounds' | 'lifecycle' | 'proposals' | 'clock' | 'randomBytes' | 'audit'
>;

// biome-ignore lint/suspicious/noExplicitAny: a route's context has its own path and input types.
type AnyContext = Context<RoundEnvironment, any, any>;

/** What rewriting a proposal needs, as the CLI's `proposalDeps` gives it: the stores and new ids. */
const proposalDeps = (deps: MatchingDeps) => ({
  rounds: deps.rounds,
  lifecycle: deps.lifecycle,
  proposals: deps.proposals,
  newId: () => newId('t', deps.randomBytes),
});

const personOf = (member: Member): PersonOnPage => ({
  id: member.id,
  name: member.name,
  email: member.email,
  country: member.country,
});

/** Whether a select's value is one of its choices' kind of id (nothing chosen, or a value made up, is not). */
const chosen = (schema: typeof ParticipantId | typeof PartnershipId, value: string): boolean =>
  schema.safeParse(value).success;

/** What the page says beside the proposal: a notice, a refusal, or what is wrong with a form. */
type PageExtra = Pick<MatchingPageInput, 'notice' | 'refusal' | 'errors' | 'values'>;

/**
 * The round's Matching page, read afresh (after a refusal too: it shows the proposal as it is). One
 * query of the round's items; the past partners only when someone active is without a partner (their
 * reason needs them).
 */
const showPage = async (
  c: AnyContext,
  deps: MatchingDeps,
  roundId: string,
  extra: PageExtra = {},
  status: 200 | 400 | 404 | 409 = 200,
): Promise<Response> => {
  const state = await deps.lifecycle.loadRoundState(roundId);
  if (!state) return c.html(roundNotFoundPage(signedInOf(c)), 404);
  const { round, members } = state;
  const stored = MatchSettings.safeParse(round.matching ?? {});
  const settings = stored.success ? stored.data : MatchSettings.parse({});
  const editable = round.status === 'draft' || round.status === 'matched';
  const byId = new Map(members.map((m) => [m.id, m] as const));

  // In the review file's order: members by address, partnerships by their first member's.
  const partnerships = state.partnerships
    .map((p) => ({
      id: p.id,
      members: p.members
        .flatMap((id) => byId.get(id) ?? [])
        .sort((a, b) => a.email.localeCompare(b.email))
        .map(personOf),
      score: p.score,
      explanation: p.explanation,
      locked: Boolean(p.locked),
    }))
    .sort((a, b) => (a.members[0]?.email ?? '').localeCompare(b.members[0]?.email ?? ''));

  let alone: MatchingPageInput['alone'] = [];
  if (editable) {
    const needsPast = members.some((m) => !m.partnershipId && m.status === 'active');
    const past = needsPast ? await deps.proposals.pastPartners(round.id) : new Map<string, Set<string>>();
    alone = withoutPartner({ roundId: round.id, members, partnerships: state.partnerships }, past, {
      ...settings,
      referenceDate: round.startDate,
    }).map(({ member, reason }) => ({ person: personOf(member), reason }));
  }
  const active = members.filter((m) => m.status === 'active').length;
  return c.html(
    matchingPage({
      viewer: signedInOf(c),
      round: { id: round.id, name: round.name, status: round.status },
      settings,
      cohort: { active, inactive: members.length - active },
      partnerships,
      alone,
      people: members.map(personOf),
      ...extra,
    }),
    status,
  );
};

/**
 * A use case's refusal of the whole request, as the page says it, and its status; anything else is the
 * app's error handler's. The messages are the CLI's.
 */
const refusalOf = (error: unknown): { status: 404 | 409; lead: string } | undefined => {
  if (error instanceof RoundNotFound) return { status: 404, lead: asSentence(error.message) };
  // A launched round (ProposalRefused), or one launched or rewritten meanwhile.
  if (error instanceof RoundStatusRefused || error instanceof ProposalInterrupted) {
    return { status: 409, lead: `${asSentence(error.message)}. Nothing was changed.` };
  }
  if (error instanceof InvalidMatchSettings) {
    return {
      status: 409,
      lead: `The round's matching settings do not hold (${error.message}): set them again with tandem match. Nothing was changed.`,
    };
  }
  if (error instanceof MatchInputError) {
    return {
      status: 409,
      lead: `A registration cannot be matched: ${error.message}. Correct it on the registrations page. Nothing was changed.`,
    };
  }
  return undefined;
};

/** Words for the refusal of each change. */
const WHAT: Record<Exclude<MatchingAction, 'run'>, string> = {
  move: 'the move',
  swap: 'the swap',
  lock: 'the change',
};

/**
 * Makes a change through the review file's import, then 303 back to the page; or the page again with
 * why not: the edit itself (400, at its select), the hard constraints (400, `matches import`'s messages),
 * the round (404, 409).
 */
const change = async (
  c: AnyContext,
  deps: MatchingDeps,
  request: {
    roundId: string;
    action: Exclude<MatchingAction, 'run'>;
    edit: ProposalEdit;
    values?: Partial<Record<MatchingField, string>>;
    fieldOf: Partial<Record<EditSubject, MatchingField>>;
    audited: { action: string; detail: string };
    done: 'moved' | 'swapped' | 'locked' | 'unlocked';
  },
): Promise<Response> => {
  const { roundId, action, values = {} } = request;
  try {
    await editProposal(proposalDeps(deps), { roundId, edit: request.edit });
  } catch (error) {
    if (error instanceof EditRefused) {
      const field = request.fieldOf[error.subject];
      return showPage(
        c,
        deps,
        roundId,
        field
          ? { errors: { [field]: error.message }, values }
          : { refusal: { action, lead: `${error.message}. Nothing was changed.` }, values },
        400,
      );
    }
    if (error instanceof ReviewFileInvalid) {
      return showPage(
        c,
        deps,
        roundId,
        {
          refusal: {
            action,
            lead: `Nothing was changed: ${WHAT[action]} breaks the rules an edited review file is checked against (${plural(error.issues.length, 'problem')}, as tandem matches import says them).`,
            messages: error.issues.map((issue) => issue.message),
          },
          values,
        },
        400,
      );
    }
    const refusal = refusalOf(error);
    if (!refusal) throw error;
    return showPage(c, deps, roundId, { refusal: { action, lead: refusal.lead }, values }, refusal.status);
  }
  await audit(c, deps, { roundId, ...request.audited });
  return c.redirect(`${matchingPath(roundId)}?${matchingNoticeQuery({ done: request.done })}`, 303);
};

/** `/console/rounds/<roundId>/matching`: the page, matching, the changes, and the review file. */
export const matchingRoutes = (deps: MatchingDeps) => {
  const app = new Hono<RoundEnvironment>();
  app.use('/:roundId/matching/*', roundOfPath(deps));

  app.get('/:roundId/matching', async (c) => {
    const { round } = c.var;
    const notice = readMatchingNotice((name) => c.req.query(name));
    return showPage(c, deps, round.id, notice ? { notice } : {});
  });

  // `tandem matches export`: the proposal as the review CSV, to edit in a spreadsheet.
  app.get('/:roundId/matching/review.csv', async (c) => {
    const { round } = c.var;
    let csv: string;
    try {
      ({ csv } = await exportReviewFile(deps, round.id));
    } catch (error) {
      if (error instanceof RoundNotFound) return c.html(roundNotFoundPage(signedInOf(c)), 404);
      throw error;
    }
    c.header('Content-Type', 'text/csv; charset=utf-8');
    // A round id is lower-case letters, digits and dashes: nothing in it needs quoting.
    c.header('Content-Disposition', `attachment; filename="${round.id}-matches.csv"`);
    return c.body(csv);
  });

  // `tandem match` (`keep_locked=yes`: `--keep-locked`), in the request: see the module's comment.
  app.post('/:roundId/matching', async (c) => {
    const { round } = c.var;
    const keepLocked = (await formFields(c))[KEEP_LOCKED_FIELD] === 'yes';
    let outcome: Awaited<ReturnType<typeof matchRound>>;
    try {
      outcome = await matchRound(proposalDeps(deps), { roundId: round.id, keepLocked });
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      return showPage(c, deps, round.id, { refusal: { action: 'run', lead: refusal.lead } }, refusal.status);
    }
    const { result, locked, unmatched, durationMs, saved } = outcome;
    await audit(c, deps, {
      roundId: round.id,
      action: 'match-run',
      // Figures only: the trail names no one but the coordinator who acted.
      detail:
        (keepLocked ? `around the locked: ${locked.length} kept; ` : '') +
        `${plural(result.pairs.length, 'pair')}, ${result.triads.length} of three, ${unmatched.length} without a partner; ` +
        `${saved.added} new, ${saved.kept} kept, ${saved.removed} removed; ${durationMs} ms`,
    });
    const gap = result.optimality.upperBound - result.matchingWeight;
    const query = matchingNoticeQuery(
      saved.status === 'matched'
        ? {
            done: 'matched',
            pairs: result.pairs.length,
            triads: result.triads.length,
            kept: locked.length,
            alone: unmatched.length,
            ms: durationMs,
            ...(result.optimality.proven ? {} : { gap }),
          }
        : { done: 'none' },
    );
    return c.redirect(`${matchingPath(round.id)}?${query}`, 303);
  });

  app.post('/:roundId/matching/move', async (c) => {
    const { round } = c.var;
    const fields = await formFields(c);
    const values = { move_person: fields.move_person ?? '', move_to: fields.move_to ?? '' };
    const errors = {
      ...(chosen(ParticipantId, values.move_person) ? {} : { move_person: 'Choose the person to move' }),
      ...(chosen(PartnershipId, values.move_to) ? {} : { move_to: 'Choose the partnership they join' }),
    };
    if (Object.keys(errors).length > 0) return showPage(c, deps, round.id, { errors, values }, 400);
    return change(c, deps, {
      roundId: round.id,
      action: 'move',
      edit: { kind: 'move', participantId: values.move_person, partnershipId: values.move_to },
      values,
      fieldOf: { participant: 'move_person', partnership: 'move_to' },
      audited: { action: 'match-move', detail: `${values.move_person} into ${values.move_to}` },
      done: 'moved',
    });
  });

  app.post('/:roundId/matching/swap', async (c) => {
    const { round } = c.var;
    const fields = await formFields(c);
    const values = { swap_first: fields.swap_first ?? '', swap_second: fields.swap_second ?? '' };
    const errors = {
      ...(chosen(ParticipantId, values.swap_first) ? {} : { swap_first: 'Choose the first person' }),
      ...(chosen(ParticipantId, values.swap_second) ? {} : { swap_second: 'Choose the second person' }),
    };
    if (Object.keys(errors).length > 0) return showPage(c, deps, round.id, { errors, values }, 400);
    return change(c, deps, {
      roundId: round.id,
      action: 'swap',
      edit: { kind: 'swap', participantIds: [values.swap_first, values.swap_second] },
      values,
      fieldOf: { first: 'swap_first', second: 'swap_second' },
      audited: { action: 'match-swap', detail: `${values.swap_first} and ${values.swap_second}` },
      done: 'swapped',
    });
  });

  for (const locked of [true, false]) {
    app.post(`/:roundId/matching/${locked ? 'lock' : 'unlock'}`, async (c) => {
      const { round } = c.var;
      const partnershipId = (await formFields(c))[PARTNERSHIP_FIELD] ?? '';
      if (!chosen(PartnershipId, partnershipId)) {
        return showPage(
          c,
          deps,
          round.id,
          { refusal: { action: 'lock', lead: 'Choose a partnership: use its button in the table.' } },
          400,
        );
      }
      return change(c, deps, {
        roundId: round.id,
        action: 'lock',
        edit: { kind: 'lock', partnershipId, locked },
        fieldOf: {},
        audited: { action: locked ? 'match-lock' : 'match-unlock', detail: partnershipId },
        done: locked ? 'locked' : 'unlocked',
      });
    });
  }

  return app;
};
