import type { RegistrationState } from '#core/model';
import { plural } from '#core/plural';
import { RoundNotFound, RoundStatusRefused } from '../functions/use-cases/coordinator/errors.ts';
import { setRegistration } from '../functions/use-cases/coordinator/set-registration.ts';
import { roundIdArgument } from './arguments.ts';
import { CliError, ExitCode } from './errors.ts';
import { print } from './output.ts';
import { target, unreachable } from './target.ts';

const STATE: Record<'open' | 'close', RegistrationState> = { open: 'open', close: 'closed' };

/**
 * `tandem round registration <roundId> open|close`: opens or closes the round's sign-up page. Opening a
 * round that is not a draft, or any unknown round, is refused with exit 1. Opening mails the waiting
 * list for the next round once (`notified` in the JSON).
 */
export const registrationCommand = async (
  roundIdArg: string,
  action: 'open' | 'close',
  options: { json?: boolean },
) => {
  const roundId = roundIdArgument(roundIdArg);
  const stack = await target();
  const result = await stack
    .now()
    .then((now) => setRegistration({ ...stack, queue: stack.sendQueue }, roundId, STATE[action], now))
    .catch((error: unknown) => {
      if (error instanceof RoundNotFound || error instanceof RoundStatusRefused)
        throw new CliError(error.message, ExitCode.refused);
      return unreachable(error);
    });
  print(options, result, () =>
    result.registration === 'open'
      ? `Registration for round ${roundId} is open: its sign-up page takes registrations. ` +
        (result.notified > 0
          ? `${plural(result.notified, 'person', 'people')} waiting for the next round will be told.`
          : 'Nobody was waiting for the next round.')
      : `Registration for round ${roundId} is closed: its sign-up page takes nothing.`,
  );
};
