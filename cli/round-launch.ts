import { RoundNotFound, RoundStatusRefused } from '../functions/use-cases/coordinator/errors.ts';
import {
  followLaunch,
  LaunchNotFinished,
  requestLaunch,
} from '../functions/use-cases/coordinator/request-launch.ts';
import { roundIdArgument } from './arguments.ts';
import { CliError, ExitCode } from './errors.ts';
import { print, progress } from './output.ts';
import { type Target, target, unreachable } from './target.ts';

interface LaunchOptions {
  json?: boolean;
  wait?: boolean;
  timeout: number;
}

/**
 * Follows a launch until every partnered member's introduction is sent, with a progress bar; exit 3 if
 * that takes longer than the timeout (the launch itself goes on).
 */
const waitForIntroductions = (stack: Target, roundId: string, options: LaunchOptions) =>
  followLaunch(stack, roundId, {
    timeoutMs: options.timeout * 1000,
    onProgress: options.json ? undefined : (done, total) => progress('launch', done, total),
  }).catch((error: unknown) => {
    if (!(error instanceof LaunchNotFinished)) return unreachable(error);
    throw new CliError(
      error.expected === undefined
        ? `round ${roundId} was not launched within ${options.timeout} s: is the launch function running?`
        : `round ${roundId}: ${error.sent} of ${error.expected} introductions sent within ${options.timeout} s; ` +
            'the launch goes on (see `tandem round status`)',
      ExitCode.unavailable,
    );
  });

/**
 * Asks for a launch by putting a RoundLaunchRequested event on the bus. The round's state is checked
 * first so that a mistake gets a clear answer here; the launch handler checks again, atomically.
 */
export const launchCommand = async (roundIdArg: string, options: LaunchOptions) => {
  const roundId = roundIdArgument(roundIdArg);
  const stack = await target();
  const { eventId } = await requestLaunch(stack, roundId).catch((error: unknown) => {
    if (error instanceof RoundNotFound || error instanceof RoundStatusRefused)
      throw new CliError(error.message, ExitCode.refused);
    return unreachable(error);
  });
  if (options.wait) {
    const { introductions } = await waitForIntroductions(stack, roundId, options);
    print(
      options,
      { roundId, eventId, status: 'launched', introductions },
      () => `Launched round ${roundId} (event ${eventId}): ${introductions} introductions sent.`,
    );
    return;
  }
  print(
    options,
    { roundId, eventId, status: 'launch-requested' },
    () =>
      `Launch of round ${roundId} requested (event ${eventId}); introductions go out as the send queue runs.`,
  );
};
