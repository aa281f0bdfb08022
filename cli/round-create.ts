import { InvalidRound, newRound } from '#core/coordinator/new-round';
import type { Round } from '#core/model';
import { plural } from '#core/plural';
import { roundEndDate } from '#core/schedule';
import { createRound, RoundAlreadyExists } from '../functions/use-cases/coordinator/create-round.ts';
import { roundIdArgument } from './arguments.ts';
import { CliError, ExitCode } from './errors.ts';
import { print } from './output.ts';
import { target, unreachable } from './target.ts';

interface CreateOptions {
  start: string;
  weeks: number;
  name?: string;
  coordinator?: string;
  json?: boolean;
}

/** What `round create --json` prints. */
const summary = (round: Round) => ({
  roundId: round.id,
  name: round.name,
  status: round.status,
  startDate: round.startDate,
  endDate: roundEndDate(round.startDate, round.weeks),
  weeks: round.weeks,
  topicDays: round.topicDays,
  checkinDays: round.checkinDays,
  inactivityDays: round.inactivityDays,
  escalationDays: round.escalationDays,
  ...(round.coordinatorEmail ? { coordinatorEmail: round.coordinatorEmail } : {}),
});

/** The round as asked for, checked before the stack is asked anything (exit 2 naming the field). */
const roundAskedFor = (roundId: string, options: CreateOptions): Round => {
  try {
    return newRound({
      id: roundId,
      startDate: options.start,
      weeks: options.weeks,
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.coordinator ? { coordinatorEmail: options.coordinator } : {}),
    });
  } catch (error) {
    if (error instanceof InvalidRound) throw new CliError(error.message, ExitCode.usage);
    throw error;
  }
};

/** Creates a draft round; an id already taken, in whatever state, is refused and nothing changes. */
export const createRoundCommand = async (roundIdArg: string, options: CreateOptions) => {
  const round = roundAskedFor(roundIdArgument(roundIdArg), options);
  const stack = await target();
  await createRound(stack, round).catch((error: unknown) => {
    if (error instanceof RoundAlreadyExists) throw new CliError(error.message, ExitCode.refused);
    return unreachable(error);
  });
  const data = summary(round);
  print(
    options,
    data,
    () =>
      `Created round ${round.id} ("${round.name}"), a draft: ${round.weeks} weeks from ${data.startDate} to ${data.endDate}, ` +
      `${plural(round.topicDays.length, 'topic')} (days ${round.topicDays.join(', ')}), ` +
      `check-in on day ${round.checkinDays.join(', ')}.\n` +
      `Next: tandem participants import <file> --round ${round.id}`,
  );
};
