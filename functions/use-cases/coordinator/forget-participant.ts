import type { LinkOutcome } from '#core/link-pages';
import type { RoundStatus } from '#core/model';
import type { AnonymousFields, Membership, RawMailEraser } from '#ports/personal-data';
import { applyLinkAction, type LinkActionDeps } from '../link-actions.ts';
import { findPerson, type PersonalDataDeps } from './personal-data.ts';

/** Forgetting also unsubscribes (as the unsubscribe link does) and deletes raw mail. */
export interface ForgetDeps extends PersonalDataDeps, LinkActionDeps {
  rawMail: RawMailEraser;
}

/** The reserved top-level domain `.invalid` (RFC 2606): an address that can never receive mail. */
export const FORGOTTEN_DOMAIN = 'forgotten.invalid';

/**
 * What replaces a forgotten person's personal data on their profile and member items. Member items are
 * read back through the Member schema (by the lifecycle, the status report, the sender), so every field
 * keeps a valid value; the name reads naturally in the one mail that may still mention them, the
 * partner's "no longer taking part" news.
 */
export const anonymousFields = (participantId: string): AnonymousFields => ({
  email: `${participantId}@${FORGOTTEN_DOMAIN}`,
  name: 'your partner',
  organisation: '',
  interests: [],
  languages: ['und'],
  timezone: 'UTC',
});

/** A member's place in a round that forgetting ends: they still take part in a round not yet closed. */
export const stillTakingPart = ({ round, member }: Membership) =>
  round.status !== 'closed' && (member.status === 'active' || member.status === 'paused');

/** What forgetting the person will do, read before anything changes (and shown for confirmation). */
export interface ForgetPlan {
  email: string;
  participantId: string;
  /** Rounds they still take part in: forgetting unsubscribes them there first. */
  leaves: { roundId: string; roundStatus: RoundStatus }[];
  /** Rounds whose member item loses its personal data. */
  memberships: string[];
  /** Whether there is a profile to anonymise. */
  profile: boolean;
  /** Partnerships whose matcher's explanation (what the partners have in common) goes. */
  explanations: { roundId: string; partnershipId: string }[];
  /** Inbound mails they sent: the raw copy is deleted, the arrival loses its envelope addresses. */
  inboundMails: string[];
  /** Items of the automatic-answer limit, keyed by their address: deleted. */
  automaticAnswers: string[];
  /** What stays, without personal data, so the rounds' figures do not change. */
  kept: { partnerships: number; mails: number; alerts: number };
}

/**
 * The plan for forgetting the person registered with `email`. Changes nothing.
 * @throws {UnknownParticipant} when nobody is registered with the address.
 */
export const planForget = async (deps: PersonalDataDeps, email: string): Promise<ForgetPlan> => {
  const found = await findPerson(deps, email);
  return {
    email: found.email,
    participantId: found.participantId,
    leaves: found.memberships
      .filter(stillTakingPart)
      .map(({ round }) => ({ roundId: round.id, roundStatus: round.status })),
    memberships: found.memberships.map(({ round }) => round.id),
    profile: found.profile !== undefined,
    explanations: found.partnerships
      .filter((p) => p.explanation !== undefined)
      .map((p) => ({ roundId: p.roundId, partnershipId: p.id })),
    inboundMails: found.arrivals.map((a) => a.mailId),
    automaticAnswers: found.automaticAnswers,
    kept: {
      partnerships: found.partnerships.length,
      mails: found.ledger.length,
      alerts: found.alerts.length,
    },
  };
};

export interface ForgetResult extends ForgetPlan {
  forgottenAt: string;
  /** What unsubscribing did in each round they still took part in. */
  left: { roundId: string; outcome: LinkOutcome }[];
}

/**
 * Forgets a person as `plan` describes. In rounds they still take part in they are unsubscribed first,
 * exactly as by the unsubscribe link (MemberChanged: their partner is told and re-paired); then their
 * raw mails are deleted, their arrivals lose the envelope addresses (and the index that found them by
 * address goes), their member items and profile their personal fields, and finally the email lookup goes — last, so that a run that stops half-way
 * can be repeated with the same address and completes. What rounds count (statuses, partnerships,
 * activity times, check-in answers, ledger rows, alerts) stays, by participant id only. Every step is
 * idempotent; once done, the address is unknown, and importing it again registers a new participant.
 */
export const forgetParticipant = async (
  deps: ForgetDeps,
  plan: ForgetPlan,
  now: Date,
): Promise<ForgetResult> => {
  const at = now.toISOString();
  const { participantId, email } = plan;
  const left: ForgetResult['left'] = [];
  for (const { roundId } of plan.leaves) {
    const outcome = await applyLinkAction(deps, { roundId, participantId, action: 'unsubscribe' }, now);
    left.push({ roundId, outcome });
  }
  for (const mailId of plan.inboundMails) await deps.rawMail.erase(mailId);
  for (const mailId of plan.inboundMails) await deps.personalData.anonymiseArrival(mailId, at);
  await deps.personalData.deleteArrivalIndex(email, participantId);
  await deps.personalData.deleteAutomaticAnswers(email, plan.automaticAnswers);
  for (const { roundId, partnershipId } of plan.explanations)
    await deps.personalData.removeExplanation(roundId, partnershipId);
  const fields = anonymousFields(participantId);
  for (const roundId of plan.memberships)
    await deps.personalData.anonymiseMember(roundId, participantId, fields, at);
  if (plan.profile) await deps.personalData.anonymiseProfile(participantId, fields, at);
  await deps.personalData.deleteEmail(email, participantId);
  return { ...plan, forgottenAt: at, left };
};
