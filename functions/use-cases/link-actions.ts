import type { LinkOutcome } from '#core/link-pages';
import type { LinkAction, LinkClaims } from '#core/link-token';
import { type MemberStatusChange, type MembershipStore, TransitionRejected } from '#ports/store';

export interface LinkActionDeps {
  membership: MembershipStore;
}

const transitions: Record<Exclude<LinkAction, 'quiet'>, { to: MemberStatusChange; from: string[] }> = {
  // Suppressed (bounced or complained) members stay suppressed: only the mail system lifts that.
  unsubscribe: { to: 'unsubscribed', from: ['active', 'paused'] },
  pause: { to: 'paused', from: ['active'] },
  resume: { to: 'active', from: ['paused'] },
};

/**
 * Applies a verified link's action. Repeating it is harmless ('unchanged'); an action the member's
 * state does not allow (resuming after unsubscribing) is 'refused', not an error, since no retry helps.
 */
export const applyLinkAction = async (
  deps: LinkActionDeps,
  claims: Pick<LinkClaims, 'roundId' | 'participantId' | 'action'>,
  now: Date,
): Promise<LinkOutcome> => {
  if (claims.action === 'quiet') return 'not-yet-supported';
  const { to, from } = transitions[claims.action];
  try {
    return await deps.membership.setMemberStatus(
      claims.roundId,
      claims.participantId,
      to,
      from,
      now.toISOString(),
    );
  } catch (error) {
    if (error instanceof TransitionRejected) return 'refused';
    throw error;
  }
};
