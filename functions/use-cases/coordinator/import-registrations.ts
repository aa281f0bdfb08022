import pMap from 'p-map';
import type { Registration as FileRegistration, RowRef } from '#core/coordinator/registration';
import type { Member, Participant, Profile, Registration } from '#core/model';
import { ConcurrentChange } from '#ports/errors';
import type { CoordinatorField, ParticipantStore, RoundStore } from '#ports/store';
import { RoundNotFound, RoundStatusRefused } from './errors.ts';

export interface ImportRegistrationsDeps {
  rounds: Pick<RoundStore, 'getRound'>;
  participants: Pick<ParticipantStore, 'upsertParticipant' | 'addMember' | 'listMembers' | 'getMember'>;
  /** The id of a person not registered before, by their place in the registrations. */
  newParticipantId: (index: number) => string;
}

export interface ImportRegistrationsOptions {
  /** Registrations written at once (each is 3-4 requests to the table). Default 8. */
  concurrency?: number;
  /** Called before the first write and after each registration, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

/** Someone registered who gets no mail: their address bounced or complained in an earlier round. */
export type InactiveRegistration = RowRef & { email: string; status: string };

/** What an import has done (so far, when it stopped). */
export interface ImportSoFar {
  /** People who were not yet members of the round. */
  imported: number;
  /** People who were already members: their profile and member snapshot were refreshed. */
  updated: number;
  /** Registered, but they get no mail; in row order. */
  inactive: InactiveRegistration[];
}

/**
 * Registrations stopped part-way: `written` of `total` are stored (importing the same ones again is
 * safe). `roundMatched` when the round was matched meanwhile; otherwise `cause` is what failed.
 */
export class ImportInterrupted extends Error {
  override name = 'ImportInterrupted';

  constructor(
    readonly roundId: string,
    readonly total: number,
    readonly roundMatched: boolean,
    readonly soFar: ImportSoFar,
    options: ErrorOptions,
  ) {
    super(
      roundMatched
        ? `round ${roundId} was matched during the import`
        : `the import into round ${roundId} stopped after ${soFar.imported + soFar.updated} of ${total} registrations`,
      options,
    );
  }

  /** Registrations stored before it stopped. */
  get written(): number {
    return this.soFar.imported + this.soFar.updated;
  }
}

export interface ImportOutcome extends ImportSoFar {
  /** Everyone registered, in the order of the registrations. */
  participants: Participant[];
}

const DEFAULT_CONCURRENCY = 8;

/**
 * Up to this many registrations, each person's member item is read as they are registered; more, and the
 * round's members are read once, up front. The console registers one person at a time, and a round
 * may have 20,000 members.
 */
const FEW_REGISTRATIONS = 25;

const position = (ref: RowRef) => ('line' in ref ? ref.line : ref.index);

/** The member has a partnership already: the round was matched while they were being registered. */
export class MatchedMeanwhile extends Error {
  override name = 'MatchedMeanwhile';
}

/**
 * Registers one person for a round, as each row of a registrations file is: an upsert by email (a
 * known address keeps its participant id and status, so a suppressed address stays suppressed, and
 * takes the new profile), then their member item, in the place `placeOf` gives them. The sign-up page
 * registers a confirmed sign-up the same way.
 * @throws {MatchedMeanwhile} when the member has a partnership already.
 */
export const registerPerson = async (
  participants: Pick<ParticipantStore, 'upsertParticipant' | 'addMember'>,
  request: {
    roundId: string;
    profile: Profile;
    newId: () => string;
    placeOf: (participant: Participant) => Registration | Promise<Registration>;
    /** The coordinator's fields to keep when the profile cannot carry them (a sign-up's). */
    keepUnset?: readonly CoordinatorField[];
  },
): Promise<Participant> => {
  const participant = await participants.upsertParticipant(request.profile, request.newId, {
    keepUnset: request.keepUnset ?? [],
  });
  await participants
    .addMember(request.roundId, participant, await request.placeOf(participant))
    .catch((error: unknown) => {
      if (error instanceof ConcurrentChange) throw new MatchedMeanwhile(error.message, { cause: error });
      throw error;
    });
  return participant;
};

/**
 * Registers people for a draft round: an upsert by email, so importing the same people again changes
 * nothing but their profiles' contents. A new member is placed in the registration order (which the
 * country cap follows) at `at`, by their row; a known member keeps their place.
 * @throws {RoundNotFound}
 * @throws {RoundStatusRefused} when the round is no longer a draft.
 * @throws {ImportInterrupted} when a write fails part-way (saying how many were written).
 */
export const importRegistrations = async (
  deps: ImportRegistrationsDeps,
  request: {
    roundId: string;
    registrations: readonly FileRegistration[];
    at: Date;
    /**
     * The coordinator's fields that registrations without them leave as they are: none for a file (the
     * newest registration is the whole truth); `notes` for the console's form of one person, which has
     * no inputs for a file's extra columns.
     */
    keepUnset?: readonly CoordinatorField[];
  },
  options: ImportRegistrationsOptions = {},
): Promise<ImportOutcome> => {
  const { roundId, registrations } = request;
  const round = await deps.rounds.getRound(roundId);
  if (!round) throw new RoundNotFound(roundId);
  if (round.status !== 'draft') {
    throw new RoundStatusRefused(
      roundId,
      round.status,
      'participants can only be imported into a draft round, before matching',
    );
  }

  // Who is a member already decides between "imported" and "updated" (members are keyed by participant
  // id), and a member keeps their place in the registration order.
  const at = request.at.toISOString();
  const placeOf = (member: Member): Registration => ({
    at: member.registeredAt ?? at,
    seq: member.registrationSeq ?? 0,
    ...(member.registeredVia ? { via: member.registeredVia } : {}),
  });
  let knownPlace: (participantId: string) => Promise<Registration | undefined>;
  if (registrations.length <= FEW_REGISTRATIONS) {
    knownPlace = async (id) => {
      const member = await deps.participants.getMember(roundId, id);
      return member ? placeOf(member) : undefined;
    };
  } else {
    const known = new Map<string, Registration>();
    for await (const page of deps.participants.listMembers(roundId)) {
      for (const member of page) known.set(member.id, placeOf(member));
    }
    knownPlace = async (id) => known.get(id);
  }

  const outcome: ImportOutcome = { imported: 0, updated: 0, inactive: [], participants: [] };
  const total = registrations.length;
  const inRowOrder = () => outcome.inactive.sort((a, b) => position(a) - position(b));
  options.onProgress?.(0, total);
  try {
    // p-map starts nothing more after a failure.
    await pMap(
      registrations.entries(),
      async ([index, { ref, profile }]) => {
        let known: Registration | undefined;
        const participant = await registerPerson(deps.participants, {
          roundId,
          profile,
          newId: () => deps.newParticipantId(index),
          keepUnset: request.keepUnset ?? [],
          placeOf: async ({ id }) => {
            known = await knownPlace(id);
            return known ?? { at, seq: position(ref) };
          },
        });
        if (known) outcome.updated++;
        else outcome.imported++;
        if (participant.status !== 'active') {
          outcome.inactive.push({ ...ref, email: participant.email, status: participant.status });
        }
        outcome.participants[index] = participant;
        options.onProgress?.(outcome.imported + outcome.updated, total);
      },
      { concurrency: options.concurrency ?? DEFAULT_CONCURRENCY },
    );
  } catch (error) {
    const matched = error instanceof MatchedMeanwhile;
    const { imported, updated } = outcome;
    throw new ImportInterrupted(
      roundId,
      total,
      matched,
      { imported, updated, inactive: inRowOrder() },
      { cause: matched ? error.cause : error },
    );
  }
  inRowOrder();
  return outcome;
};
