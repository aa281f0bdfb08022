import type { Member } from '../model.ts';
import type { ProposalState } from './matches-file.ts';
import { buildMatchGraph, type MatchConfigInput, MatchInputError } from './matching/index.ts';
import { inRegistrationOrder, matchParticipantsOf } from './proposal.ts';

/** Someone the proposal leaves without a partnership, and why, in `tandem match`'s words. */
export interface WithoutPartner {
  member: Member;
  /** `<status>: gets no mail`, `country cap`, `no feasible partner` or `left over`. */
  reason: string;
}

/**
 * Why each member without a partnership has none, as `tandem match` reports it (`unmatchedReasons`),
 * worked out again from the stored proposal, which keeps no reasons: members who get no mail first (in
 * registration order), then those over the country cap (in registration order), those with no feasible
 * partner and those left over (each by address). The cohort is what matching around the locked
 * partnerships sees — the active members of no locked partnership, in registration order — which is
 * also what the last run saw: a plain run locks nothing, and `keepLocked` leaves out the locked. So on
 * the proposal as the matcher stored it, the reasons are the matcher's; after a coordinator's edits they
 * are those of the next re-match around the locked ones (someone a move left alone is `left over`).
 * Without a cohort the matcher can read (a profile it refuses), the active are `left over`.
 */
export const withoutPartner = (
  state: ProposalState,
  pastPartners: ReadonlyMap<string, ReadonlySet<string>>,
  config: MatchConfigInput,
): WithoutPartner[] => {
  const alone = inRegistrationOrder(state.members.filter((m) => !m.partnershipId));
  const inactive = alone.filter((m) => m.status !== 'active');
  const active = alone.filter((m) => m.status === 'active');
  const reasons: WithoutPartner[] = inactive.map((member) => ({
    member,
    reason: `${member.status}: gets no mail`,
  }));
  if (active.length === 0) return reasons;

  const lockedIds = new Set(state.partnerships.filter((p) => p.locked).flatMap((p) => p.members));
  const cohort = inRegistrationOrder(state.members).filter(
    (m) => m.status === 'active' && !lockedIds.has(m.id),
  );
  let graph: ReturnType<typeof buildMatchGraph>;
  try {
    graph = buildMatchGraph(matchParticipantsOf(cohort, pastPartners), config);
  } catch (error) {
    if (!(error instanceof MatchInputError)) throw error;
    return [...reasons, ...byEmail(active).map((member) => ({ member, reason: 'left over' }))];
  }
  const overCap = new Set(graph.overCap);
  const index = new Map(graph.emails.map((email, i) => [email, i] as const));
  const hasPartner = (i: number) => {
    for (let j = 0; j < graph.size; j++) if (graph.feasible(i, j)) return true;
    return false;
  };
  const noneFeasible: Member[] = [];
  const leftOver: Member[] = [];
  for (const member of active) {
    if (overCap.has(member.email.toLowerCase())) continue;
    const i = index.get(member.email.toLowerCase());
    if (i === undefined || !hasPartner(i)) noneFeasible.push(member);
    else leftOver.push(member);
  }
  return [
    ...reasons,
    ...active
      .filter((m) => overCap.has(m.email.toLowerCase()))
      .map((member) => ({ member, reason: 'country cap' })),
    ...byEmail(noneFeasible).map((member) => ({ member, reason: 'no feasible partner' })),
    ...byEmail(leftOver).map((member) => ({ member, reason: 'left over' })),
  ];
};

const byEmail = (members: readonly Member[]): Member[] =>
  [...members].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
