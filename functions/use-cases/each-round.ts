import type { Round } from '#core/model';
import type { RoundStore } from '#ports/store';

/** A round a scheduled run could not do, and why. */
export interface RoundFailure {
  roundId: string;
  error: unknown;
}

/** What a scheduled run over every running round did: each round's result, and the rounds that failed. */
export interface RoundsRun<T> {
  done: T[];
  failed: RoundFailure[];
}

/**
 * Runs `run` for each running round in turn, each on its own: a round that throws, or whose stored
 * item cannot be read, is set aside as a failure and the next round goes on. `run` may answer
 * undefined for a round it had nothing to do for.
 */
export const forEachRunningRound = async <T>(
  rounds: Pick<RoundStore, 'listRunningRounds'>,
  run: (round: Round) => Promise<T | undefined>,
): Promise<RoundsRun<T>> => {
  const failed: RoundFailure[] = [];
  const done: T[] = [];
  for (const round of await rounds.listRunningRounds((roundId, error) => failed.push({ roundId, error }))) {
    try {
      const result = await run(round);
      if (result !== undefined) done.push(result);
    } catch (error) {
      failed.push({ roundId: round.id, error });
    }
  }
  return { done, failed };
};
