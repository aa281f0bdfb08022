import type { Participant, Profile, Round } from '#core/model';
import type { PendingSignUp, SignUpStore } from '#ports/sign-ups';
import { COORDINATOR_FIELDS, type ParticipantStore, type RoundStore } from '#ports/store';
import { MatchedMeanwhile, registerPerson } from '../coordinator/import-registrations.ts';
import { roundForSignUp } from './round-for-sign-up.ts';

/** Which pending sign-up a confirmation link names (its verified claims). */
export interface SignUpRef {
  roundId: string;
  signUpId: string;
}

export interface ReviewSignUpDeps {
  rounds: Pick<RoundStore, 'getRound'>;
  signUps: Pick<SignUpStore, 'getPending'>;
}

export interface ConfirmSignUpDeps extends ReviewSignUpDeps {
  signUps: Pick<SignUpStore, 'getPending' | 'consumePending'>;
  participants: Pick<ParticipantStore, 'upsertParticipant' | 'addMember' | 'getMember'>;
  /** The id of a person not registered before. */
  newParticipantId: () => string;
}

/**
 * unusable: nothing waits under the link (confirmed already, expired, or never there); closed: the
 * round no longer takes sign-ups.
 */
export type ReviewOutcome =
  | { outcome: 'pending'; round: Round; signUp: PendingSignUp }
  | { outcome: 'unusable' }
  | { outcome: 'closed'; round: Round };

export type ConfirmOutcome =
  | { outcome: 'registered'; round: Round; participant: Participant }
  | { outcome: 'unusable' }
  | { outcome: 'closed'; round: Round };

/** What a confirmation link would register, for the page its GET shows; changes nothing. */
export const reviewSignUp = async (
  deps: ReviewSignUpDeps,
  ref: SignUpRef,
  now: Date,
): Promise<ReviewOutcome> => {
  const signUp = await deps.signUps.getPending(ref.roundId, ref.signUpId, now);
  if (!signUp) return { outcome: 'unusable' };
  const found = await roundForSignUp(deps.rounds, ref.roundId);
  if (found.state === 'unknown') return { outcome: 'unusable' };
  if (found.state === 'closed') return { outcome: 'closed', round: found.round };
  return { outcome: 'pending', round: found.round, signUp };
};

/**
 * Registers a person who signed up themselves (by a confirmed sign-up or a re-enrolment link) exactly
 * as an import row is — an upsert by email, then the member item — placed at `now` unless a member
 * already, and marked as signed up. A coordinator's not-with list and notes outlive a sign-up form, which
 * has neither. Undefined when the round was matched meanwhile.
 */
export const registerSignedUp = async (
  deps: Pick<ConfirmSignUpDeps, 'participants' | 'newParticipantId'>,
  round: Round,
  profile: Profile,
  now: Date,
): Promise<Participant | undefined> => {
  try {
    return await registerPerson(deps.participants, {
      roundId: round.id,
      profile,
      newId: deps.newParticipantId,
      keepUnset: COORDINATOR_FIELDS,
      placeOf: async ({ id }) => {
        const member = await deps.participants.getMember(round.id, id);
        return {
          at: member?.registeredAt ?? now.toISOString(),
          seq: member?.registrationSeq ?? 0,
          via: 'sign-up',
        };
      },
    });
  } catch (error) {
    if (error instanceof MatchedMeanwhile) return undefined;
    throw error;
  }
};

/**
 * Registers the person of a pending sign-up in its round exactly as a row of a registrations file is
 * (an upsert by email, so a suppressed address stays suppressed; a member already keeps their place in
 * the registration order), marked as signed up, then ends the pending sign-up, so the link works once.
 * Refused (`closed`) when the round no longer takes sign-ups, or was matched while registering.
 */
export const confirmSignUp = async (
  deps: ConfirmSignUpDeps,
  ref: SignUpRef,
  now: Date,
): Promise<ConfirmOutcome> => {
  const review = await reviewSignUp(deps, ref, now);
  if (review.outcome !== 'pending') return review;
  const { round, signUp } = review;
  const participant = await registerSignedUp(deps, round, signUp.profile, now);
  if (!participant) return { outcome: 'closed', round };
  // Registering first: a failure above leaves the link working for another try. Two clicks at once
  // both register the same person the same way; only one of them ends the sign-up.
  await deps.signUps.consumePending(round.id, signUp.id, now);
  return { outcome: 'registered', round, participant };
};
