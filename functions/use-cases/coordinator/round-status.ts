import { type RoundStatusReport, roundStatus } from '#core/coordinator/round-status';
import { loadRoundData, type RoundDataDeps } from './round-data.ts';

export interface RoundViewDeps extends RoundDataDeps {
  /** The stack's time: the local stack's may be virtual, far from the machine's. */
  now: () => Promise<Date>;
}

/**
 * How a round is going, as of the stack's now: partnerships, replies, members who left, check-in
 * answers, mails, alerts and the next mail.
 * @throws {RoundNotFound}
 */
export const roundStatusReport = async (deps: RoundViewDeps, roundId: string): Promise<RoundStatusReport> => {
  const input = await loadRoundData(deps, roundId);
  return roundStatus(input, await deps.now());
};
