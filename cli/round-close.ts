import { plural } from '#core/plural';
import { closeRoundEarly } from '../functions/use-cases/coordinator/close-round-early.ts';
import { RoundNotFound, RoundStatusRefused } from '../functions/use-cases/coordinator/errors.ts';
import { roundIdArgument } from './arguments.ts';
import { CliError, ExitCode } from './errors.ts';
import { print } from './output.ts';
import { target, unreachable } from './target.ts';

/**
 * `tandem round close <roundId>`: ends a running round before its end date, as its last day would.
 * A round that is not running is refused with exit 1.
 */
export const closeCommand = async (roundIdArg: string, options: { json?: boolean }) => {
  const roundId = roundIdArgument(roundIdArg);
  const stack = await target();
  const now = await stack.now();
  const closed = await closeRoundEarly({ ...stack, queue: stack.sendQueue }, roundId, now).catch(
    (error: unknown) => {
      if (error instanceof RoundNotFound || error instanceof RoundStatusRefused)
        throw new CliError(error.message, ExitCode.refused);
      return unreachable(error);
    },
  );
  print(
    options,
    { roundId, status: 'closed', ...closed },
    () =>
      `Closed round ${roundId}: ${plural(closed.partnershipsEnded, 'partnership')} ended, ` +
      `${plural(closed.closingMails, 'closing mail')} (with the final check-in) queued.`,
  );
};
