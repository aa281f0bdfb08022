import type { Member } from '#core/model';
import { ConcurrentChange } from '#ports/errors';
import { type ParticipantStore, type RoundStore, TransitionRejected } from '#ports/store';
import { RoundNotFound, RoundStatusRefused } from './errors.ts';

/**
 * Taking one person out of a round before it is matched (the console's "Remove"): the undoing of one
 * row of a registrations file. Their profile stays — they may be in other rounds, and forgetting a
 * person is a request of its own (`tandem participants forget`).
 */

export interface RemoveRegistrationDeps {
  rounds: Pick<RoundStore, 'getRound'>;
  participants: Pick<ParticipantStore, 'getMember' | 'removeMember'>;
}

/** The person is not (or no longer) a member of the round. */
export class NotAMember extends Error {
  override name = 'NotAMember';

  constructor(
    readonly roundId: string,
    readonly participantId: string,
  ) {
    super(`${participantId} is not registered for round ${roundId}`);
  }
}

/** The member is in a partnership of the round's proposal: matching is writing it right now. */
export class MemberInPartnership extends Error {
  override name = 'MemberInPartnership';

  constructor(
    readonly roundId: string,
    readonly participantId: string,
    options?: ErrorOptions,
  ) {
    super(
      `${participantId} is in a partnership of round ${roundId} (the round is being matched): try again once matching is done`,
      options,
    );
  }
}

const REFUSAL = 'registrations can only be removed from a draft round, before matching';

/**
 * Removes a member from a draft round. The write itself is conditioned on the round being a draft and
 * the member having no partnership, so a round matched between the read and the write refuses it.
 * @returns the member as they were registered.
 * @throws {RoundNotFound}
 * @throws {RoundStatusRefused} when the round is not (or no longer) a draft.
 * @throws {NotAMember} when they are not registered for the round.
 * @throws {MemberInPartnership} when a proposal partners them.
 */
export const removeRegistration = async (
  deps: RemoveRegistrationDeps,
  request: { roundId: string; participantId: string },
): Promise<Member> => {
  const { roundId, participantId } = request;
  const round = await deps.rounds.getRound(roundId);
  if (!round) throw new RoundNotFound(roundId);
  if (round.status !== 'draft') throw new RoundStatusRefused(roundId, round.status, REFUSAL);
  const member = await deps.participants.getMember(roundId, participantId);
  if (!member) throw new NotAMember(roundId, participantId);
  if (member.partnershipId) throw new MemberInPartnership(roundId, participantId);

  let removed: boolean;
  try {
    removed = await deps.participants.removeMember(roundId, participantId);
  } catch (error) {
    if (error instanceof ConcurrentChange)
      throw new MemberInPartnership(roundId, participantId, { cause: error });
    if (!(error instanceof TransitionRejected)) throw error;
    // Matched (or deleted) between the read and the write: say what it is now.
    const current = await deps.rounds.getRound(roundId);
    if (!current) throw new RoundNotFound(roundId);
    throw new RoundStatusRefused(roundId, current.status, REFUSAL);
  }
  if (!removed) throw new NotAMember(roundId, participantId);
  return member;
};
