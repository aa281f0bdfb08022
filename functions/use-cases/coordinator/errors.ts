/**
 * What more than one of the coordinator's use cases refuses with (an error only one use case throws is
 * declared next to it). Each front (the CLI, a console) codes them its own way; the messages are the
 * CLI's, so a front that shows `message` says what the CLI says.
 */

/** The round the request names is not stored. */
export class RoundNotFound extends Error {
  override name = 'RoundNotFound';

  constructor(readonly roundId: string) {
    super(`round ${roundId} does not exist`);
  }
}

/** The round is not in a state that allows the request (`why` says what would). */
export class RoundStatusRefused extends Error {
  override name = 'RoundStatusRefused';

  constructor(
    readonly roundId: string,
    readonly status: string,
    why: string,
  ) {
    super(`round ${roundId} is ${status}: ${why}`);
  }
}

/** The round changed while its proposal was being stored (it was launched, or another run wrote it). */
export class ProposalInterrupted extends Error {
  override name = 'ProposalInterrupted';

  constructor(
    readonly roundId: string,
    options: ErrorOptions,
  ) {
    super(
      `round ${roundId} changed while the proposal was being stored (launched, or another run): run the command again`,
      options,
    );
  }
}

/** No one is registered with the address: never imported, or forgotten already. */
export class UnknownParticipant extends Error {
  override name = 'UnknownParticipant';

  constructor(readonly email: string) {
    super(`nobody is registered with ${email} (never imported, or already forgotten)`);
  }
}
