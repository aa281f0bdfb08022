import { newPartnership } from '#core/coordinator/new-partnership';
import type { Alert, Member, Partnership } from '#core/model';
import { type OpenPartnership, planRepairs, type RepairCandidate } from '#core/repairing';
import type { Clock } from '#ports/clock';
import type { LifecycleStore, RoundState } from '#ports/store';

export interface RepairDeps {
  lifecycle: LifecycleStore;
  clock: Clock;
  newPartnershipId: () => string;
}

export interface RepairResult {
  repaired: number;
  joined: number;
  waiting: number;
}

const isAlone = (member: Member, partnership: Partnership | undefined): boolean => {
  if (member.status !== 'active' || !member.partnershipId || !partnership) return false;
  // Whoever went quiet is not re-paired, unless they have been active since the partnership was given up.
  const cameBack = (partnership.lastActivity[member.id] ?? '') > (partnership.atRiskAt ?? '');
  if (partnership.quietIds.includes(member.id) && !cameBack) return false;
  if (partnership.status === 'ended') return partnership.endedReason !== 'round-closed';
  // An at-risk partnership's active members are re-paired once they have been told a new partner is
  // coming; one who went quiet and came back was never told.
  return (
    partnership.status === 'at-risk' &&
    (Boolean(partnership.notices['at-risk']) || partnership.quietIds.includes(member.id))
  );
};

/**
 * Re-pairs the members left alone in a round (partner gone, or quiet past the threshold) with each
 * other, across countries and never with a previous partner; anyone left over joins a partnership as
 * its third member or waits, and the coordinator is told. Each change is one transaction that fails
 * if anyone moved meanwhile, so concurrent or repeated runs cannot pair someone twice. Introductions
 * are owed on the new partnerships (introRef) and queued by the follow-up. Near the round's end
 * (`newPartnersAllowed` false) everyone left alone waits.
 */
export const repairRound = async (
  deps: RepairDeps,
  state: RoundState,
  { newPartnersAllowed }: { newPartnersAllowed: boolean },
): Promise<RepairResult> => {
  const at = deps.clock.now().toISOString();
  const roundId = state.round.id;
  const partnerships = new Map(state.partnerships.map((p) => [p.id, p]));
  const partnershipOf = (m: Member) => (m.partnershipId ? partnerships.get(m.partnershipId) : undefined);
  const candidate = (member: Member): RepairCandidate => ({
    member,
    formerPartnerIds: new Set([
      ...member.previousPartnerIds,
      ...member.partnerIds,
      ...(partnershipOf(member)?.members ?? []),
    ]),
  });

  const pool = state.members.filter((m) => isAlone(m, partnershipOf(m))).map(candidate);
  if (pool.length === 0) return { repaired: 0, joined: 0, waiting: 0 };
  const byId = new Map(state.members.map((m) => [m.id, m]));
  const open: OpenPartnership[] = state.partnerships
    .filter((p) => p.status === 'active' && p.members.length === 2)
    .flatMap((p) => {
      const members = p.members.map((id) => byId.get(id));
      return members.every((m) => m?.status === 'active')
        ? [{ id: p.id, members: (members as Member[]).map(candidate) }]
        : [];
    });
  // Too near the end of the round for a new partnership to get going: everyone waits for the next round.
  const plan = newPartnersAllowed ? planRepairs(pool, open) : { pairs: [], joins: [], waiting: pool };

  // A partnership being left ends with the first of its members to move (once that move is written);
  // the rest just move on. Only members still in it are left behind: one who moved on already would
  // fail the whole transaction.
  const ended = new Set<string>();
  const leaving = (c: RepairCandidate) => {
    const old = partnershipOf(c.member);
    const joiner = {
      id: c.member.id,
      ...(old ? { leaves: old.id } : {}),
      previousPartnerIds: [...c.formerPartnerIds].filter((id) => id !== c.member.id),
    };
    if (!old || old.status === 'ended' || ended.has(old.id)) return { joiner, ending: [] };
    const leftBehind = old.members.filter(
      (id) => id !== c.member.id && byId.get(id)?.partnershipId === old.id,
    );
    return { joiner, ending: [{ id: old.id, reason: 'quiet' as const, leftBehind }] };
  };
  const written = (done: boolean, endings: readonly { id: string }[]) => {
    if (done) for (const { id } of endings) ended.add(id);
    return done;
  };

  let repaired = 0;
  for (const [a, b] of plan.pairs) {
    const id = deps.newPartnershipId();
    const [left, right] = [leaving(a), leaving(b)];
    const partnership = newPartnership({
      roundId,
      id,
      members: [a.member.id, b.member.id],
      origin: 'repaired',
      startedAt: at,
      introRef: id,
    });
    const ending = [...left.ending, ...right.ending];
    const done = await deps.lifecycle.repair(
      roundId,
      { partnership, joiners: [left.joiner, right.joiner], ending },
      at,
    );
    if (written(done, ending)) repaired++;
  }

  let joined = 0;
  for (const { joiner, partnershipId } of plan.joins) {
    const host = partnerships.get(partnershipId) as Partnership;
    const move = leaving(joiner);
    const done = await deps.lifecycle.join(
      roundId,
      {
        partnershipId,
        members: host.members as [string, string],
        joiner: move.joiner,
        introRef: `${partnershipId}+${joiner.member.id}`,
        ...(move.ending[0] ? { ending: move.ending[0] } : {}),
      },
      at,
    );
    if (written(done, move.ending)) joined++;
  }

  for (const { member } of plan.waiting) {
    const alert: Alert = {
      roundId,
      kind: 'leftover',
      ref: `${member.id}:${member.partnershipId ?? 'none'}`,
      raisedAt: at,
      participantIds: [member.id],
    };
    await deps.lifecycle.raiseAlert(alert);
  }
  return { repaired, joined, waiting: plan.waiting.length };
};
