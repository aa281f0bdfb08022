/** Exit codes scripts can rely on. */
export const ExitCode = {
  ok: 0,
  /** The request was understood but refused (e.g. launching a round that is not matched). */
  refused: 1,
  /** Bad arguments or input; the message names the field. */
  usage: 2,
  /** The stack could not be reached or failed. */
  unavailable: 3,
} as const;

/** An error the CLI reports as one clear line and an exit code, without a stack trace. */
export class CliError extends Error {
  override name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Whether an error is a CliError. The built CLI runs `dev` and `simulate` from the sources
 * (commands/lazy.ts), whose CliError is a second copy of the class, so `instanceof` cannot tell.
 */
export const isCliError = (error: unknown): error is CliError =>
  error instanceof Error && error.name === 'CliError' && typeof (error as CliError).exitCode === 'number';
