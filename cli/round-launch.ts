import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoLedgerReader } from '#adapters/dynamo-ledger-reader';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { RoundLaunchRequested } from '#core/events';
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
 * Follows a launch until every partnered member's introduction is sent (the ledger's SENT rows), with a
 * progress bar; exit 3 if that takes longer than the timeout (the launch itself goes on).
 */
const waitForIntroductions = async (stack: Target, roundId: string, options: LaunchOptions) => {
  const deadline = Date.now() + options.timeout * 1000;
  const lifecycle = new DynamoLifecycle(stack.tableName);
  const ledger = new DynamoLedgerReader(stack.tableName);
  let expected: number | undefined;
  let sent = 0;
  for (;;) {
    if (expected === undefined) {
      const state = await lifecycle.loadRoundState(roundId).catch(unreachable);
      if (state?.round.status === 'running') {
        expected = state.members.filter((m) => m.partnershipId && m.status === 'active').length;
      }
    }
    if (expected !== undefined) {
      const rows = await ledger.sentRows(roundId).catch(unreachable);
      sent = rows.filter((row) => row.kind === 'intro').length;
      if (!options.json) progress('launch', Math.min(sent, expected), expected);
      if (sent >= expected) return { introductions: sent };
    }
    if (Date.now() > deadline) {
      throw new CliError(
        expected === undefined
          ? `round ${roundId} was not launched within ${options.timeout} s: is the launch function running?`
          : `round ${roundId}: ${sent} of ${expected} introductions sent within ${options.timeout} s; ` +
              'the launch goes on (see `tandem round status`)',
        ExitCode.unavailable,
      );
    }
    await sleep(1000);
  }
};

/**
 * Asks for a launch by putting a RoundLaunchRequested event on the bus. The round's state is checked
 * first so that a mistake gets a clear answer here; the launch handler checks again, atomically.
 */
export const launchCommand = async (roundIdArg: string, options: LaunchOptions) => {
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
