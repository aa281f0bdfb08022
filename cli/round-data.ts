import { DynamoLedgerReader } from '#adapters/dynamo-ledger-reader';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import type { RoundStatusInput } from '#core/round-status';
import { roundIdArgument } from './arguments.ts';
import { CliError, ExitCode } from './errors.ts';
import { type Target, target, unreachable } from './target.ts';

/** A round's stored state and SENT ledger rows (what status, export and report are made of). */
export const loadRoundData = async (
  roundIdArg: string,
): Promise<{ input: RoundStatusInput; stack: Target }> => {
  const roundId = roundIdArgument(roundIdArg);
  const stack = await target();
  const state = await new DynamoLifecycle(stack.tableName).loadRoundState(roundId).catch(unreachable);
  if (!state) throw new CliError(`round ${roundId} does not exist`, ExitCode.refused);
  const sent = await new DynamoLedgerReader(stack.tableName).sentRows(roundId).catch(unreachable);
  return { input: { ...state, sent }, stack };
};
