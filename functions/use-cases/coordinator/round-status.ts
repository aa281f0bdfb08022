import { type RoundStatusReport, roundStatus } from '#core/coordinator/round-status';
import type { SignUpStore } from '#ports/sign-ups';
import { loadRoundData, type RoundDataDeps } from './round-data.ts';

export interface RoundViewDeps extends RoundDataDeps {
  /** The stack's time: the local stack's may be virtual, far from the machine's. */
  now: () => Promise<Date>;
}

export interface RoundStatusDeps extends RoundViewDeps {
  signUps: Pick<SignUpStore, 'countPending'>;
}

/**
 * How a round is going, as of the stack's now: partnerships, replies, members who left, check-in
 * answers, mails, alerts, the next mail and its sign-ups.
 * @throws {RoundNotFound}
 */
export const roundStatusReport = async (
  deps: RoundStatusDeps,
  roundId: string,
): Promise<RoundStatusReport> => {
  const input = await loadRoundData(deps, roundId);
  const now = await deps.now();
  return roundStatus({ ...input, pendingSignUps: await deps.signUps.countPending(roundId, now) }, now);
};
