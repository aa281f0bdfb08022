import * as z from 'zod';
import { RoundId } from '#core/model';
import { CliError, ExitCode } from './errors.ts';

/** A round id argument or option, checked before anything else happens (exit 2 when malformed). */
export const roundIdArgument = (value: string): string => {
  const result = RoundId.safeParse(value);
  if (!result.success) {
    throw new CliError(`roundId "${value}": ${result.error.issues[0]?.message}`, ExitCode.usage);
  }
  return result.data;
};

/** `round create --coordinator`: an address, stored lower-cased (exit 2 when it is none). */
export const coordinatorOption = (value: string): string => {
  const result = z.email().safeParse(value.trim());
  if (!result.success)
    throw new CliError(`--coordinator: "${value}" is not an email address`, ExitCode.usage);
  return result.data.toLowerCase();
};
