import { DynamoLedgerReader } from '#adapters/dynamo-ledger-reader';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoSendingGate } from '#adapters/dynamo-sending-gate';
import type { RoundStatusInput, SendingStatus } from '#core/coordinator/round-status';
import { roundIdArgument } from './arguments.ts';
import { CliError, ExitCode } from './errors.ts';
import { type Target, target, unreachable } from './target.ts';

/** A round's stored state, its ledger (SENT rows and every row by state) and whether SES sends now. */
export const loadRoundData = async (
  roundIdArg: string,
): Promise<{ input: RoundStatusInput; stack: Target }> => {
  const roundId = roundIdArgument(roundIdArg);
  const stack = await target();
  const state = await new DynamoLifecycle(stack.tableName).loadRoundState(roundId).catch(unreachable);
  if (!state) throw new CliError(`round ${roundId} does not exist`, ExitCode.refused);
  const [{ sent, mails }, pause] = await Promise.all([
    new DynamoLedgerReader(stack.tableName).ledger(roundId),
    new DynamoSendingGate(stack.tableName).current(),
  ]).catch(unreachable);
  const sending: SendingStatus = pause
    ? { state: 'paused', reason: pause.reason, until: pause.until.toISOString() }
    : { state: 'active' };
  return { input: { ...state, sent, mails, sending }, stack };
};
