import type { RegistrationState } from '#core/model';
import { type RoundStore, TransitionRejected } from '#ports/store';
import { RoundNotFound, RoundStatusRefused } from './errors.ts';

export interface SetRegistrationDeps {
  rounds: Pick<RoundStore, 'getRound' | 'setRegistration'>;
}

/**
 * Opens or closes a round's sign-up page. Only a draft round can be open: matching pairs the members
 * as they are, and closes registration itself. Closing a round that is closed already changes nothing.
 * @throws {RoundNotFound}
 * @throws {RoundStatusRefused} when opening a round that is not (or no longer) a draft.
 */
export const setRegistration = async (
  deps: SetRegistrationDeps,
  roundId: string,
  registration: RegistrationState,
): Promise<{ roundId: string; registration: RegistrationState }> => {
  const round = await deps.rounds.getRound(roundId);
  if (!round) throw new RoundNotFound(roundId);
  const refused = (status: string) =>
    new RoundStatusRefused(roundId, status, 'only a draft round can take sign-ups, before matching');
  if (registration === 'open' && round.status !== 'draft') throw refused(round.status);
  try {
    await deps.rounds.setRegistration(roundId, registration);
  } catch (error) {
    if (!(error instanceof TransitionRejected)) throw error;
    // Matched (or deleted) between the read and the write: say what it is now.
    const now = await deps.rounds.getRound(roundId);
    if (!now) throw new RoundNotFound(roundId);
    throw refused(now.status);
  }
  return { roundId, registration };
};
