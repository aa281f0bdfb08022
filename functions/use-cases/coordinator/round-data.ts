import type { RoundStatusInput, SendingStatus } from '#core/coordinator/round-status';
import type { LedgerReader } from '#ports/ledger-reader';
import type { SendingGate } from '#ports/sending-gate';
import type { LifecycleStore } from '#ports/store';
import { RoundNotFound } from './errors.ts';

/** What the round's status, export and report are read from. */
export interface RoundDataDeps {
  lifecycle: Pick<LifecycleStore, 'loadRoundState'>;
  ledger: Pick<LedgerReader, 'ledger'>;
  sendingGate: Pick<SendingGate, 'current'>;
}

/**
 * A round's stored state, its send ledger (SENT rows, and every row by state) and whether SES sends now.
 * @throws {RoundNotFound}
 */
export const loadRoundData = async (deps: RoundDataDeps, roundId: string): Promise<RoundStatusInput> => {
  const state = await deps.lifecycle.loadRoundState(roundId);
  if (!state) throw new RoundNotFound(roundId);
  const [{ sent, mails }, pause] = await Promise.all([
    deps.ledger.ledger(roundId),
    deps.sendingGate.current(),
  ]);
  const sending: SendingStatus = pause
    ? { state: 'paused', reason: pause.reason, until: pause.until.toISOString() }
    : { state: 'active' };
  return { ...state, sent, mails, sending };
};
