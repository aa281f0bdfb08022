import type { Participant, Profile, Round } from '#core/model';
import { checkSignUp, type FieldErrors, type SignUpSubmission } from '#core/sign-up/form';
import { nextOpenRound, waitingUntil } from '#core/sign-up/policy';
import type { SignUpStore } from '#ports/sign-ups';
import type { ParticipantStore, RoundStore } from '#ports/store';
import { registerSignedUp } from './confirm-sign-up.ts';
import { roundForSignUp } from './round-for-sign-up.ts';

/**
 * Re-enrolling in one click (docs/sign-up.md): the closing mail's signed link names a participant, and
 * opening it either shows the sign-up form of the programme's next open round filled in from their
 * profile, or — when no round takes sign-ups — offers to put them on the waiting list, which opening
 * registration mails once. The link proves the address, so there is no confirmation mail.
 */

export interface ReEnrolmentReadDeps {
  rounds: Pick<RoundStore, 'listRoundsTakingSignUps'>;
  participants: Pick<ParticipantStore, 'getParticipant' | 'getMember'>;
  signUps: Pick<SignUpStore, 'isWaiting'>;
}

export interface JoinWaitingListDeps extends ReEnrolmentReadDeps {
  signUps: Pick<SignUpStore, 'isWaiting' | 'addToWaitingList'>;
}

export interface ReEnrolDeps {
  rounds: Pick<RoundStore, 'getRound'>;
  participants: Pick<ParticipantStore, 'getParticipant' | 'getMember' | 'upsertParticipant' | 'addMember'>;
  signUps: Pick<SignUpStore, 'removeFromWaitingList'>;
  /** The id of a person not registered before (an address whose lock went missing). */
  newParticipantId: () => string;
}

/** Why a link that verified names nobody it can serve: for the logs, never for the page. */
export type UnusableReason = 'unknown-participant' | 'suppressed';

/** The link's person cannot use it: gone (never there, or forgotten) or suppressed. */
export interface Unusable {
  outcome: 'unusable';
  reason: UnusableReason;
}

/** A round takes sign-ups: the form, filled in from the profile. `member`: already signed up for it. */
export interface RoundOpen {
  outcome: 'open';
  round: Round;
  participant: Participant;
  member: boolean;
}

/** No round takes sign-ups; `waiting`: the person is on the list already. */
export interface NoneOpen {
  outcome: 'none-open';
  participant: Participant;
  waiting: boolean;
}

export type ReEnrolment = Unusable | RoundOpen | NoneOpen;

/** The participant a link names, if they can still be served: known, not forgotten, not suppressed. */
const personOf = async (
  deps: { participants: Pick<ParticipantStore, 'getParticipant'> },
  participantId: string,
): Promise<Participant | Unusable> => {
  const participant = await deps.participants.getParticipant(participantId);
  if (!participant) return { outcome: 'unusable', reason: 'unknown-participant' };
  // Their address bounced or complained: nothing is sent there, so nothing is signed up for it either.
  if (participant.status === 'suppressed') return { outcome: 'unusable', reason: 'suppressed' };
  return participant;
};

const isUnusable = (found: Participant | Unusable): found is Unusable => 'outcome' in found;

/** What the person's re-enrolment link offers now. Changes nothing (a GET: mail scanners open links). */
export const reviewReEnrolment = async (
  deps: ReEnrolmentReadDeps,
  participantId: string,
  now: Date,
): Promise<ReEnrolment> => {
  const participant = await personOf(deps, participantId);
  if (isUnusable(participant)) return participant;
  const round = nextOpenRound(await deps.rounds.listRoundsTakingSignUps());
  if (round) {
    const member = await deps.participants.getMember(round.id, participant.id);
    return { outcome: 'open', round, participant, member: member !== undefined };
  }
  return { outcome: 'none-open', participant, waiting: await deps.signUps.isWaiting(participant.id, now) };
};

/**
 * Puts the person on the waiting list for the next round (`added` false when they were on it already:
 * asking twice is asking once). A round that opened since the page was shown takes their sign-up
 * instead: `open`, and nothing is stored.
 */
export const joinWaitingList = async (
  deps: JoinWaitingListDeps,
  participantId: string,
  now: Date,
): Promise<Unusable | RoundOpen | { outcome: 'waiting'; participant: Participant; added: boolean }> => {
  const review = await reviewReEnrolment(deps, participantId, now);
  if (review.outcome !== 'none-open') return review;
  const added = await deps.signUps.addToWaitingList(review.participant.id, now, waitingUntil(now));
  return { outcome: 'waiting', participant: review.participant, added };
};

/** What pressing the re-enrolment form's button did. */
export type ReEnrolOutcome =
  | Unusable
  | { outcome: 'unknown-round' }
  | { outcome: 'closed'; round: Round }
  | { outcome: 'invalid'; round: Round; participant: Participant; member: boolean; errors: FieldErrors }
  | { outcome: 'registered'; round: Round; participant: Participant };

/**
 * Registers the link's person in `roundId` with the details of the form, checked by the sign-up form's
 * schema (consent included) — the address always the profile's, which the signed link proves — exactly
 * as a confirmed sign-up is: an upsert by email (a suppressed address stays suppressed), then the member
 * item, marked as signed up; a member already keeps their place. The coordinator's own fields of the
 * profile (`notWith`, `notes`), which the form does not show, are kept. Refused (`closed`) when the
 * round no longer takes sign-ups, or was matched meanwhile. Takes them off the waiting list: they have a
 * round now.
 */
export const reEnrol = async (
  deps: ReEnrolDeps,
  request: { participantId: string; roundId: string; form: Pick<SignUpSubmission, 'values' | 'consent'> },
  now: Date,
): Promise<ReEnrolOutcome> => {
  const found = await roundForSignUp(deps.rounds, request.roundId);
  if (found.state === 'unknown') return { outcome: 'unknown-round' };
  const person = await personOf(deps, request.participantId);
  if (isUnusable(person)) return person;
  const { round } = found;
  if (found.state === 'closed') return { outcome: 'closed', round };

  const checked = checkSignUp({
    values: { ...request.form.values, email: person.email },
    consent: request.form.consent,
  });
  if (!checked.ok) {
    const member = (await deps.participants.getMember(round.id, person.id)) !== undefined;
    return { outcome: 'invalid', round, participant: person, member, errors: checked.errors };
  }
  const profile: Profile = { ...checked.profile, email: person.email };

  const participant = await registerSignedUp(deps, round, profile, now);
  if (!participant) return { outcome: 'closed', round };
  await deps.signUps.removeFromWaitingList(participant.id);
  return { outcome: 'registered', round, participant };
};
