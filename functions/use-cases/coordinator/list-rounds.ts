import type { Member, Partnership, Round } from '#core/model';
import { StoredItemInvalid } from '#ports/errors';
import type { LifecycleStore, RoundStore } from '#ports/store';

/** One round and its people at a glance: the counts `tandem round status` gives, and no more. */
export interface RoundSummary {
  round: Round;
  members: { total: number; active: number };
  partnerships: { total: number; active: number; atRisk: number };
}

/** A round listed whose stored items no longer fit their schema: its counts cannot be told. */
export interface UnreadableRound {
  round: Round;
  unreadable: string;
}

export interface ListRoundsDeps {
  rounds: Pick<RoundStore, 'listRounds'>;
  lifecycle: Pick<LifecycleStore, 'loadRoundState'>;
}

/** How many rounds' states are read at once: a stage has tens of rounds, each one query. */
const READS_AT_ONCE = 8;

const count = <T>(items: readonly T[], test: (item: T) => boolean): number =>
  items.reduce((n, item) => (test(item) ? n + 1 : n), 0);

/** The counts of one round's stored state, as `roundStatus` counts them (every status, ended included). */
export const summariseRound = (state: {
  round: Round;
  members: readonly Member[];
  partnerships: readonly Partnership[];
}): RoundSummary => ({
  round: state.round,
  members: {
    total: state.members.length,
    active: count(state.members, (m) => m.status === 'active'),
  },
  partnerships: {
    total: state.partnerships.length,
    active: count(state.partnerships, (p) => p.status === 'active'),
    atRisk: count(state.partnerships, (p) => p.status === 'at-risk'),
  },
});

/** A round's counts, or why they cannot be told; undefined for a round deleted meanwhile. */
const summaryOf = async (
  deps: ListRoundsDeps,
  round: Round,
): Promise<RoundSummary | UnreadableRound | undefined> => {
  try {
    const state = await deps.lifecycle.loadRoundState(round.id);
    return state && summariseRound(state);
  } catch (error) {
    // One round with an item that no longer reads must not hide every other round (the scheduled runs
    // skip it the same way); the list says so, and `round status` names the item.
    if (!(error instanceof StoredItemInvalid)) throw error;
    return { round, unreadable: error.message };
  }
};

/**
 * Every round `include` keeps, by id, with its member and partnership counts: the rounds from the status
 * index, then one (paginated) query of each kept round's items — never the ledger, which `round status`
 * reads besides. A round deleted between the two reads is left out; one whose items no longer read is
 * listed as unreadable.
 */
export const listRoundSummaries = async (
  deps: ListRoundsDeps,
  include: (round: Round) => boolean = () => true,
): Promise<(RoundSummary | UnreadableRound)[]> => {
  const rounds = (await deps.rounds.listRounds()).filter(include);
  const summaries: (RoundSummary | UnreadableRound)[] = [];
  for (let i = 0; i < rounds.length; i += READS_AT_ONCE) {
    const read = await Promise.all(rounds.slice(i, i + READS_AT_ONCE).map((round) => summaryOf(deps, round)));
    for (const summary of read) if (summary) summaries.push(summary);
  }
  return summaries;
};
