import type { RoundStatus } from '#core/model';
import { UnknownParticipant } from './errors.ts';
import { stillTakingPart } from './forget-participant.ts';
import type { PersonalDataDeps } from './personal-data.ts';

/** Who is registered with an address, and in which rounds: enough to tell the person found. */
export interface PersonFound {
  email: string;
  participantId: string;
  rounds: {
    roundId: string;
    roundName: string;
    roundStatus: RoundStatus;
    /** Their status in the round (active, paused, unsubscribed, suppressed). */
    status: string;
    /** Forgetting them would unsubscribe them there first (as `planForget` decides). */
    takingPart: boolean;
  }[];
}

/**
 * The person registered with `email` (lower case) and their rounds, without reading the rest of what is
 * stored about them: their email lookup and their member items only. Unlike the export and the plan of
 * forgetting, which read every partnership, alert, ledger row and mail of theirs, this reads no more
 * than a few items, so a search can call it.
 * @throws {UnknownParticipant} when nobody is registered with the address.
 */
export const lookUpPerson = async (deps: PersonalDataDeps, email: string): Promise<PersonFound> => {
  const participantId = await deps.personalData.participantIdOf(email);
  if (!participantId) throw new UnknownParticipant(email);
  const memberships = await deps.personalData.memberships(participantId);
  return {
    email,
    participantId,
    rounds: memberships.map((membership) => ({
      roundId: membership.round.id,
      roundName: membership.round.name,
      roundStatus: membership.round.status,
      status: String(membership.member.status ?? ''),
      takingPart: stillTakingPart(membership),
    })),
  };
};
