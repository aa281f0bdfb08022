import type { MatchSettings } from '#core/coordinator/matching/config';
import { ConcurrentChange } from '#ports/errors';
import {
  type LifecycleStore,
  type ProposedPartnership,
  type RoundState,
  TransitionRejected,
} from '#ports/store';
import {
  applyProposal,
  type ProposalDeps,
  type ProposalOutcome,
  ProposalRefused,
} from '../apply-proposal.ts';
import { ProposalInterrupted, RoundNotFound } from './errors.ts';

/** What matching and the review file need: the round's state, its past partners, and its proposal's writes. */
export interface ProposalWorkDeps extends Omit<ProposalDeps, 'onProgress'> {
  lifecycle: Pick<LifecycleStore, 'loadRoundState'>;
}

/**
 * The round's stored state, if its proposal can still be changed.
 * @throws {RoundNotFound}
 * @throws {ProposalRefused} when the round has been launched (or closed).
 */
export const loadProposalState = async (
  deps: Pick<ProposalWorkDeps, 'lifecycle'>,
  roundId: string,
): Promise<RoundState> => {
  const state = await deps.lifecycle.loadRoundState(roundId);
  if (!state) throw new RoundNotFound(roundId);
  const { status } = state.round;
  if (status !== 'draft' && status !== 'matched') throw new ProposalRefused(roundId, status);
  return state;
};

/**
 * Stores `desired` as the round's proposal (see applyProposal), reporting each write as `saving`
 * progress when there is any to make.
 * @throws {ProposalRefused} when the round was launched before the rewrite began.
 * @throws {ProposalInterrupted} when it changed under the rewrite (launched, or another run's writes).
 */
export const storeProposal = async (
  deps: ProposalWorkDeps,
  state: RoundState,
  desired: readonly ProposedPartnership[],
  options: { settings?: MatchSettings; onProgress?: (phase: 'saving', done: number, total: number) => void },
): Promise<ProposalOutcome> => {
  const { onProgress } = options;
  try {
    return await applyProposal(
      {
        ...deps,
        onProgress: (done, total) => {
          if (total > 0) onProgress?.('saving', done, total);
        },
      },
      state,
      desired,
      options.settings,
    );
  } catch (error) {
    if (error instanceof ConcurrentChange || error instanceof TransitionRejected)
      throw new ProposalInterrupted(state.round.id, { cause: error });
    throw error;
  }
};
