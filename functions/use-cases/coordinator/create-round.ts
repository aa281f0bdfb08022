import type { Round } from '#core/model';
import { AlreadyTaken } from '#ports/errors';
import type { RoundStore } from '#ports/store';

/** A round with the new round's id is stored already, in whatever state. */
export class RoundAlreadyExists extends Error {
  override name = 'RoundAlreadyExists';

  constructor(
    readonly roundId: string,
    /** The stored round, when it was read (absent when another request created it meanwhile). */
    existing?: { status: string; startDate: string },
    options?: ErrorOptions,
  ) {
    super(
      existing
        ? `round ${roundId} already exists (${existing.status}, starting ${existing.startDate}): choose another id`
        : `round ${roundId} already exists`,
      options,
    );
  }
}

export interface CreateRoundDeps {
  rounds: Pick<RoundStore, 'getRound' | 'createRound'>;
}

/**
 * Stores a new draft round (built by `newRound`). An id already taken, in whatever state, is refused
 * and nothing changes.
 * @throws {RoundAlreadyExists} naming the stored round's status and start when it was read first.
 */
export const createRound = async (deps: CreateRoundDeps, round: Round): Promise<Round> => {
  const existing = await deps.rounds.getRound(round.id);
  if (existing) throw new RoundAlreadyExists(round.id, existing);
  try {
    await deps.rounds.createRound(round);
  } catch (error) {
    // Someone created it between the read and the conditional write.
    if (error instanceof AlreadyTaken) throw new RoundAlreadyExists(round.id, undefined, { cause: error });
    throw error;
  }
  return round;
};
