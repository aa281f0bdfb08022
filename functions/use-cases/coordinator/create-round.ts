import type { Round, RoundTopic } from '#core/model';
import { effectiveProgramme, type ProgrammeSettings } from '#core/programme';
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
  rounds: Pick<RoundStore, 'getRound' | 'createRound' | 'getProgrammeSettings'>;
}

/**
 * Stores a new draft round (built by `newRound`), and with it its own topics when it has them
 * (`round.ownTopics` of them, from `roundTopicsOf`): they are stored once, with the round, and never
 * changed. The round keeps the programme settings in effect for it (`round.programme`): the stage's
 * (`tandem programme set`), with `options.programme` (the round's own file) on top, field by field.
 * An id already taken, in whatever state, is refused and nothing changes.
 * @throws {RoundAlreadyExists} naming the stored round's status and start when it was read first.
 * @throws {Error} when the topics are not the round's `ownTopics`, numbered 1, 2, … (a caller's mistake).
 */
export const createRound = async (
  deps: CreateRoundDeps,
  round: Round,
  topics: readonly RoundTopic[] = [],
  options: { programme?: ProgrammeSettings | undefined } = {},
): Promise<Round> => {
  const numbered = topics.every((topic, i) => topic.number === i + 1 && topic.roundId === round.id);
  if (topics.length !== (round.ownTopics ?? 0) || !numbered) {
    throw new Error(
      `round ${round.id} has ${round.ownTopics ?? 0} topics of its own, but ${topics.length} were given (numbered from 1, of this round)`,
    );
  }
  const [existing, stage] = await Promise.all([
    deps.rounds.getRound(round.id),
    deps.rounds.getProgrammeSettings(),
  ]);
  if (existing) throw new RoundAlreadyExists(round.id, existing);
  const programme = effectiveProgramme(stage, options.programme);
  const created: Round = programme ? { ...round, programme } : round;
  try {
    await deps.rounds.createRound(created, topics);
  } catch (error) {
    // Someone created it between the read and the conditional write.
    if (error instanceof AlreadyTaken) throw new RoundAlreadyExists(round.id, undefined, { cause: error });
    throw error;
  }
  return created;
};
