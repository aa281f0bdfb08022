import { type LifecycleStore, TransitionRejected } from '#ports/store';
import { type CloseRoundDeps, closeRound, type RoundClosing } from '../close-round.ts';
import { RoundNotFound, RoundStatusRefused } from './errors.ts';

export interface CloseRoundEarlyDeps extends CloseRoundDeps {
  lifecycle: Pick<LifecycleStore, 'loadRoundState' | 'endPartnership'>;
}

/**
 * Closes a running round before its end date, as its last day would: the closing mail (with the final
 * check-in, answered for a while after) to everyone still taking part, every partnership ended, the
 * round closed at `now`. Running it again after a failure finishes the job.
 * @throws {RoundNotFound}
 * @throws {RoundStatusRefused} unless the round is running (also when it stops running meanwhile).
 */
export const closeRoundEarly = async (
  deps: CloseRoundEarlyDeps,
  roundId: string,
  now: Date,
): Promise<RoundClosing> => {
  const state = await deps.lifecycle.loadRoundState(roundId);
  if (!state) throw new RoundNotFound(roundId);
  const refused = (status: string) =>
    new RoundStatusRefused(roundId, status, 'only a running round can be closed');
  if (state.round.status !== 'running') throw refused(state.round.status);
  try {
    return await closeRound(deps, state, now);
  } catch (error) {
    // It stopped running meanwhile: the daily run closed it on its last day, or another close did.
    if (error instanceof TransitionRejected) throw refused('closed');
    throw error;
  }
};
