import { matchesCsv } from '#core/coordinator/matches-file';
import type { Round } from '#core/model';
import type { LifecycleStore } from '#ports/store';
import { RoundNotFound } from './errors.ts';

export interface ReviewFile {
  round: Round;
  /** The review CSV: one row per partnership, then one per member without one. */
  csv: string;
  partnerships: number;
  /** Members without a partnership. */
  alone: number;
}

/**
 * The round's proposal as the review file a coordinator edits in a spreadsheet (any status: after
 * the launch it shows the partnerships as they are).
 * @throws {RoundNotFound}
 */
export const exportReviewFile = async (
  deps: { lifecycle: Pick<LifecycleStore, 'loadRoundState'> },
  roundId: string,
): Promise<ReviewFile> => {
  const state = await deps.lifecycle.loadRoundState(roundId);
  if (!state) throw new RoundNotFound(roundId);
  return {
    round: state.round,
    csv: matchesCsv({ roundId: state.round.id, members: state.members, partnerships: state.partnerships }),
    partnerships: state.partnerships.length,
    alone: state.members.filter((m) => !m.partnershipId).length,
  };
};
