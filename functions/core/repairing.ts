import type { Member } from './model.ts';

/** Someone left alone mid-round, with everyone they must not be paired with again. */
export interface RepairCandidate {
  member: Member;
  formerPartnerIds: ReadonlySet<string>;
}

/** A partnership of two that could take a third member. */
export interface OpenPartnership {
  id: string;
  members: readonly RepairCandidate[];
}

export interface RepairPlan {
  pairs: [RepairCandidate, RepairCandidate][];
  joins: { joiner: RepairCandidate; partnershipId: string }[];
  /** Nobody suitable this time: they wait, and the coordinator is told. */
  waiting: RepairCandidate[];
}

/** The hard rules of any partnership, mid-round too: other countries, a shared language, never twice. */
export const canPartner = (a: RepairCandidate, b: RepairCandidate): boolean =>
  a.member.id !== b.member.id &&
  a.member.country !== b.member.country &&
  a.member.languages.some((language) => b.member.languages.includes(language)) &&
  !a.formerPartnerIds.has(b.member.id) &&
  !b.formerPartnerIds.has(a.member.id);

const byId = (a: RepairCandidate, b: RepairCandidate) => a.member.id.localeCompare(b.member.id);

/**
 * Pairs the people left alone with each other. Greedy, most constrained first: whoever has the fewest
 * possible partners chooses first, and takes the possible partner who has the fewest options left,
 * which pairs everyone a small pool allows in all but contrived cases. Anyone left over joins an open
 * partnership as its third member if they fit with both, and otherwise waits. Deterministic: ties go
 * by participant id.
 */
export const planRepairs = (
  pool: readonly RepairCandidate[],
  open: readonly OpenPartnership[],
): RepairPlan => {
  const options = new Map(
    pool.map((a) => [a.member.id, pool.filter((b) => canPartner(a, b)).length] as const),
  );
  const optionsOf = (c: RepairCandidate) => options.get(c.member.id) ?? 0;
  const ordered = [...pool].sort((a, b) => optionsOf(a) - optionsOf(b) || byId(a, b));

  const placed = new Set<string>();
  const pairs: RepairPlan['pairs'] = [];
  for (const a of ordered) {
    if (placed.has(a.member.id)) continue;
    const b = ordered.find((c) => !placed.has(c.member.id) && canPartner(a, c));
    if (!b) continue;
    placed.add(a.member.id);
    placed.add(b.member.id);
    pairs.push([a, b]);
  }

  const joins: RepairPlan['joins'] = [];
  const waiting: RepairCandidate[] = [];
  const taken = new Set<string>();
  for (const joiner of ordered.filter((c) => !placed.has(c.member.id))) {
    const host = open.find(
      (p) => !taken.has(p.id) && p.members.every((member) => canPartner(joiner, member)),
    );
    if (host) {
      taken.add(host.id);
      joins.push({ joiner, partnershipId: host.id });
    } else {
      waiting.push(joiner);
    }
  }
  return { pairs, joins, waiting };
};
