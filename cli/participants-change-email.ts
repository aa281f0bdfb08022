import { AddressChangeTooLarge } from '#ports/address-change';
import { AlreadyTaken, ConcurrentChange } from '#ports/errors';
import {
  type ChangeEmailRequest,
  changeEmail,
  checkedAddresses,
  type EmailChange,
  InvalidAddress,
} from '../functions/use-cases/coordinator/change-email.ts';
import { UnknownParticipant } from '../functions/use-cases/coordinator/errors.ts';
import { CliError, ExitCode } from './errors.ts';
import { print } from './output.ts';
import { target, unreachable } from './target.ts';

/** The use case's refusals as one line and an exit code; anything else is the stack's trouble. */
const refusal = (error: unknown, { from, to }: ChangeEmailRequest): CliError => {
  const refused = (message: string) => new CliError(message, ExitCode.refused, { cause: error });
  if (error instanceof UnknownParticipant) return refused(error.message);
  if (error instanceof AlreadyTaken)
    return refused(`${to} is already registered to another participant: nothing was changed`);
  if (error instanceof AddressChangeTooLarge)
    return refused(`${from} cannot be moved: ${error.message}; nothing was changed`);
  if (error instanceof ConcurrentChange) return refused(`${error.message}; run the command again`);
  return unreachable(error);
};

const list = (rounds: EmailChange['rounds']) =>
  rounds.map((r) => `${r.roundId} (${r.roundStatus})`).join(', ');

/** One line of what moved, and a second only when a status changed, stayed suppressed or a not-with list moved. */
const describe = (change: EmailChange): string => {
  const { participantId, from, to, rounds } = change;
  if (!change.changed)
    return `${from} and ${to} are the same address (participant ${participantId}): nothing to do.`;
  const notes: string[] = [];
  const reactivated = rounds.filter((r) => r.reactivated);
  if (change.profileReactivated || reactivated.length > 0) {
    const what = [
      ...(change.profileReactivated ? ['their profile'] : []),
      ...reactivated.map((r) => r.roundId),
    ];
    notes.push(`the old address was suppressed: active again in ${what.join(', ')}`);
  }
  const stillSuppressed = rounds.filter((r) => r.status === 'suppressed');
  if (stillSuppressed.length > 0)
    notes.push(`still suppressed in ${list(stillSuppressed)}, which had started`);
  if (change.notWithUpdated > 0)
    notes.push(
      `${change.notWithUpdated} not-with ${change.notWithUpdated === 1 ? 'entry names' : 'entries name'} the new address`,
    );
  const moved = `Moved participant ${participantId} from ${from} to ${to}${
    rounds.length > 0 ? ` in ${list(rounds)}` : ' (in no open round)'
  }.`;
  return notes.length > 0 ? `${moved}\nNote: ${notes.join('; ')}.` : moved;
};

/**
 * `tandem participants change-email <old> <new>`: moves one person to a new address. Addresses that are
 * not addresses are refused (exit 2) before the stack is asked anything.
 */
export const changeEmailCommand = async (from: string, to: string, options: { json?: boolean }) => {
  let request: ChangeEmailRequest;
  try {
    request = checkedAddresses({ from, to });
  } catch (error) {
    if (!(error instanceof InvalidAddress)) throw error;
    throw new CliError(`<${error.which === 'from' ? 'old' : 'new'}>: ${error.message}`, ExitCode.usage);
  }
  const stack = await target();
  const now = await stack.now().catch(unreachable);
  const change = await changeEmail({ addresses: stack.addresses }, request, now).catch((error) => {
    throw refusal(error, request);
  });
  print(options, change, () => describe(change));
};
