import pMap from 'p-map';
import type { MatchSettings } from '#core/coordinator/matching/config';
import { newPartnership } from '#core/coordinator/new-partnership';
import type { ProposalStore, ProposedPartnership, RoundState, RoundStore } from '#ports/store';
import { RoundStatusRefused } from './coordinator/errors.ts';
import { WRITE_CONCURRENCY } from './write-concurrency.ts';

/** The proposal cannot be changed: the round has been launched (or closed). */
export class ProposalRefused extends RoundStatusRefused {
  override name = 'ProposalRefused';

  constructor(roundId: string, status: string) {
    super(roundId, status, 'partnerships can only be proposed before the launch');
  }
}

export interface ProposalDeps {
  rounds: Pick<RoundStore, 'transitionRound'>;
  proposals: ProposalStore;
  /** A new partnership id. */
  newId: () => string;
  /** Called after each write, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

export interface ProposalOutcome {
  /** Partnerships in the proposal now. */
  partnerships: number;
  /** Already stored with the same members: kept, with their ids (lock, score and explanation refreshed). */
  kept: number;
  added: number;
  removed: number;
  /** The round's status afterwards: matched, or draft when the proposal is empty. */
  status: 'draft' | 'matched';
}

const membersKey = (members: readonly string[]) => [...members].sort().join(' ');

/**
 * Makes the round's stored partnerships exactly `desired`. A partnership whose members stay together
 * keeps its id; others are removed and added. A matched round goes back to draft for the rewrite (so
 * it cannot be launched half-written) and is matched again at the end, with the settings recorded; an
 * interrupted run leaves a draft that the same command, run again, completes. A matched round's
 * registration is closed.
 */
export const applyProposal = async (
  deps: ProposalDeps,
  state: RoundState,
  desired: readonly ProposedPartnership[],
  settings?: MatchSettings,
): Promise<ProposalOutcome> => {
  const { round } = state;
  if (round.status !== 'draft' && round.status !== 'matched') {
    throw new ProposalRefused(round.id, round.status);
  }
  const memberIds = new Set(state.members.map((m) => m.id));
  const placed = new Set<string>();
  for (const { members } of desired) {
    if (members.length < 2 || members.length > 3) {
      throw new Error(`a partnership has two or three members, not ${members.length}`);
    }
    for (const id of members) {
      if (!memberIds.has(id)) throw new Error(`${id} is not a member of round ${round.id}`);
      if (placed.has(id)) throw new Error(`${id} is in two partnerships`);
      placed.add(id);
    }
  }

  const stored = new Map(state.partnerships.map((p) => [membersKey(p.members), p]));
  const wanted = new Map(desired.map((p) => [membersKey(p.members), p]));
  const removed = state.partnerships.filter((p) => !wanted.has(membersKey(p.members)));
  const added = desired.filter((p) => !stored.has(membersKey(p.members)));
  const changed = desired.flatMap((p) => {
    const before = stored.get(membersKey(p.members));
    return before &&
      (Boolean(before.locked) !== p.locked ||
        before.score !== p.score ||
        before.explanation !== p.explanation)
      ? [{ id: before.id, proposed: p }]
      : [];
  });

  if (round.status === 'matched') await deps.rounds.transitionRound(round.id, 'matched', 'draft');
  const total = removed.length + added.length + changed.length;
  let done = 0;
  const step = () => deps.onProgress?.(++done, total);
  deps.onProgress?.(0, total);
  // Removals first: a member moving to another partnership must be free before it is written.
  await pMap(removed, (p) => deps.proposals.removePartnership(p).then(step), {
    concurrency: WRITE_CONCURRENCY,
  });
  await pMap(
    added,
    (p) => {
      const partnership = newPartnership({
        roundId: round.id,
        id: deps.newId(),
        members: p.members,
        origin: 'matched',
        locked: p.locked,
        score: p.score,
        explanation: p.explanation,
      });
      return deps.proposals.addPartnership(partnership).then(step);
    },
    { concurrency: WRITE_CONCURRENCY },
  );
  await pMap(
    changed,
    ({ id, proposed }) =>
      deps.proposals
        .updateProposed(round.id, id, {
          locked: proposed.locked,
          score: proposed.score,
          explanation: proposed.explanation,
        })
        .then(step),
    { concurrency: WRITE_CONCURRENCY },
  );

  const status = desired.length > 0 ? 'matched' : 'draft';
  await deps.rounds.transitionRound(round.id, 'draft', status, {
    ...(settings ? { matching: settings } : {}),
    // The cohort is what was matched: nobody more signs up (a coordinator may open a draft again).
    ...(status === 'matched' ? { registration: 'closed' as const } : {}),
  });
  return {
    partnerships: desired.length,
    kept: desired.length - added.length,
    added: added.length,
    removed: removed.length,
    status,
  };
};
