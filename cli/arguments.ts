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
