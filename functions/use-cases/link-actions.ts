import { type MemberChange, MemberChanged } from '#core/events';
import { type CheckinLink, checkinOf, type LinkOutcome } from '#core/link-pages';
import type { LinkAction, LinkClaims } from '#core/link-token';
import { pauseEnd, takesCheckinAnswers } from '#core/schedule';
import type { EventBus } from '#ports/bus';
import {
  type LifecycleStore,
  type MemberStatusChange,
  type MembershipStore,
  type ParticipantStore,
  type SendContext,
  TransitionRejected,
} from '#ports/store';

/** What a participant's action needs: the member's status, their partnership, and the bus. */
export interface LinkActionDeps {
  membership: MembershipStore;
  lifecycle: Pick<LifecycleStore, 'markAtRisk' | 'recordCheckin'>;
  participants: Pick<ParticipantStore, 'getSendContext' | 'recordActivity'>;
  /** MemberChanged goes here after every change. */
  bus: EventBus;
}

export interface LinkActionOptions {
  /** How long a pause lasts (`PAUSE 10d` by mail); PAUSE_DEFAULT_DAYS if absent, bounded by pauseEnd. */
  pauseDays?: number;
  /** The round, member and partners when the caller has just read them, so they are not read again. */
  context?: SendContext;
}

type StatusAction = 'unsubscribe' | 'pause' | 'resume';

const transitions: Record<StatusAction, { to: MemberStatusChange; from: string[]; change: MemberChange }> = {
  // Suppressed (bounced or complained) members stay suppressed: only the mail system lifts that.
  unsubscribe: { to: 'unsubscribed', from: ['active', 'paused'], change: 'unsubscribed' },
  pause: { to: 'paused', from: ['active'], change: 'paused' },
  resume: { to: 'active', from: ['paused'], change: 'resumed' },
};

const isStatusAction = (action: LinkAction): action is StatusAction => Object.hasOwn(transitions, action);

/** Members still taking part in the round (a pause is a break, not a departure). */
const TAKING_PART = new Set(['active', 'paused']);

type Claims = Pick<LinkClaims, 'roundId' | 'participantId' | 'action'>;

/**
 * Applies a participant's action — a verified link, or the same action commanded by mail — as of
 * `now`, the moment they took it:
 *
 * - **unsubscribe** (from active or paused), **pause** (from active, until `now` + `pauseDays`),
 *   **resume** (from paused): one conditional write of the member's status;
 * - **quiet**: the member's partnership becomes at-risk, flagged by them, their partners the quiet
 *   ones. The store's conditional write makes a second flag, or the partner flagging back, 'unchanged';
 * - **checkin<N>-<answer>**: the answer is recorded (the latest wins, so always 'changed') and counts
 *   as the member's activity in their partnership; taken while the round runs and for a while after.
 *
 * A change is written first and then announced as MemberChanged (check-in answers are not). If the
 * announcement fails after the write, the request fails and is retried (the caller's click, Lambda's
 * retry of a mail command): the retry finds the change already made ('unchanged') and announces it
 * again, so a change and its event never part for good. Announcing twice is harmless: the lifecycle
 * follows up from the stored state, once per change, and the send ledger absorbs a repeated mail. A
 * retry of the very request that made the change (the same `now`, as a mail command's arrival time is)
 * answers 'changed', as the first attempt would have. One the member's place does not allow (resuming
 * after unsubscribing, flagging with no partner, answering long after the close) is 'refused', not an
 * error: no retry helps. Errors a retry can fix (throttling) are thrown.
 */
export const applyLinkAction = async (
  deps: LinkActionDeps,
  claims: Claims,
  now: Date,
  options: LinkActionOptions = {},
): Promise<LinkOutcome> => {
  const { action } = claims;
  if (isStatusAction(action)) return changeStatus(deps, claims, action, now, options.pauseDays);
  if (action === 'quiet') return flagQuiet(deps, claims, now, options.context);
  const checkin = checkinOf(action);
  if (checkin) return answerCheckin(deps, claims, checkin, now, options.context);
  throw new Error(`link action ${action} has no handling`);
};

const changeStatus = async (
  deps: LinkActionDeps,
  claims: Claims,
  action: StatusAction,
  now: Date,
  pauseDays: number | undefined,
): Promise<LinkOutcome> => {
  const { to, from, change } = transitions[action];
  const at = now.toISOString();
  let outcome: LinkOutcome;
  try {
    outcome = await deps.membership.setMemberStatus(
      claims.roundId,
      claims.participantId,
      to,
      from,
      at,
      action === 'pause' ? pauseEnd(now, pauseDays).toISOString() : undefined,
    );
  } catch (error) {
    if (error instanceof TransitionRejected) return 'refused';
    throw error;
  }
  if (outcome === 'changed') {
    await announce(deps, claims, change, at);
    return outcome;
  }
  // 'unchanged': the member is already in that state, by a change whose announcement may have failed —
  // or was never changed (active from the start), or is not a member at all: announce nothing then.
  // Simpler than an outbox (a DynamoDB stream of status changes): one read, on repeats only.
  const member = (await deps.participants.getSendContext(claims.roundId, claims.participantId))?.member;
  if (member?.status !== to || !member.statusChangedAt) return outcome;
  await announce(deps, claims, change, member.statusChangedAt);
  return member.statusChangedAt === at ? 'changed' : outcome;
};

const flagQuiet = async (
  deps: LinkActionDeps,
  claims: Claims,
  now: Date,
  given: SendContext | undefined,
): Promise<LinkOutcome> => {
  const context = await contextOf(deps, claims, given);
  if (!context) return 'refused';
  const { round, member } = context;
  if (
    round.status !== 'running' ||
    !TAKING_PART.has(member.status) ||
    !member.partnershipId ||
    member.partnerIds.length === 0
  ) {
    return 'refused';
  }
  const at = now.toISOString();
  // Only the write that moves the partnership from active to at-risk reports 'changed', so two
  // flags, however close together, announce it once.
  const outcome = await deps.lifecycle.markAtRisk(round.id, member.partnershipId, {
    reason: 'flagged',
    quietIds: [...member.partnerIds],
    at,
    flaggedBy: member.id,
  });
  if (outcome === 'changed') await announce(deps, claims, 'flagged-quiet', at);
  // At risk already, and this member had flagged it before: perhaps in a request whose announcement
  // failed, so announce again (harmless, see above). A first flag of a partnership the partner or the
  // daily run put at risk changes nothing and is not announced.
  if (outcome === 'flagged-before') await announce(deps, claims, 'flagged-quiet', at);
  return outcome === 'changed' ? 'changed' : 'unchanged';
};

const answerCheckin = async (
  deps: LinkActionDeps,
  claims: Claims,
  { checkin, answer }: CheckinLink,
  now: Date,
  given: SendContext | undefined,
): Promise<LinkOutcome> => {
  const context = await contextOf(deps, claims, given);
  if (!context || !takesCheckinAnswers(context.round, now)) return 'refused';
  const { round, member } = context;
  const at = now.toISOString();
  await deps.lifecycle.recordCheckin(round.id, member.id, checkin, answer);
  // Answering is a sign of life: it counts as activity, like a reply to the partner.
  if (member.partnershipId) {
    await deps.participants.recordActivity(round.id, member.partnershipId, member.id, at);
  }
  return 'changed';
};

/** The caller's context if it is this member's, else a fresh read. */
const contextOf = async (
  deps: LinkActionDeps,
  claims: Claims,
  given: SendContext | undefined,
): Promise<SendContext | undefined> =>
  given && given.round.id === claims.roundId && given.member.id === claims.participantId
    ? given
    : deps.participants.getSendContext(claims.roundId, claims.participantId);

const announce = async (deps: LinkActionDeps, claims: Claims, change: MemberChange, at: string) => {
  await deps.bus.publish(MemberChanged, {
    roundId: claims.roundId,
    participantId: claims.participantId,
    change,
    at,
  });
};
