import type { Command } from 'commander';
import { RoundLaunchRequested } from '#core/events';
import { roundIdArgument } from './arguments.ts';
import { CliError, ExitCode } from './errors.ts';
import { print } from './output.ts';
import { registerRoundCreate } from './round-create.ts';
import { registerRoundReport } from './round-report.ts';
import { registerRoundStatus } from './round-status.ts';
import { target, unreachable } from './target.ts';

/**
 * Asks for a launch by putting a RoundLaunchRequested event on the bus. The round's state is checked
 * first so that a mistake gets a clear answer here; the launch handler checks again, atomically.
 */
export const launchCommand = async (roundIdArg: string, options: { json?: boolean }) => {
  const roundId = roundIdArgument(roundIdArg);
  const stack = await target();
  const round = await stack.store.getRound(roundId).catch(unreachable);
  if (!round) throw new CliError(`round ${roundId} does not exist`, ExitCode.refused);
  if (round.status !== 'matched') {
    throw new CliError(
      `round ${roundId} is ${round.status}: only a matched round can be launched`,
      ExitCode.refused,
    );
  }
  const { eventId } = await stack.bus.put(RoundLaunchRequested.detailType, { roundId }).catch(unreachable);
  print(
    options,
    { roundId, eventId, status: 'launch-requested' },
    () =>
      `Launch of round ${roundId} requested (event ${eventId}); introductions go out as the send queue runs.`,
  );
};

export const registerRoundCommands = (program: Command) => {
  const round = program.command('round').description('Work with rounds');
  round
    .command('launch')
    .description(
      'Launch a matched round: every partnership gets its introduction, then a topic every fortnight',
    )
    .argument('<roundId>', 'the round to launch')
    .option('--json', 'print the result as JSON')
    .action(launchCommand);
  registerRoundCreate(round);
  registerRoundStatus(round);
  registerRoundReport(round);
};
