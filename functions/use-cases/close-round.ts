import type { SendJob } from '#core/model';
import type { JobQueue } from '#ports/queue';
import type { LifecycleStore, RoundState, RoundStore } from '#ports/store';

export interface CloseRoundDeps {
  queue: JobQueue;
  lifecycle: Pick<LifecycleStore, 'endPartnership'>;
  rounds: Pick<RoundStore, 'transitionRound'>;
}

/** What closing a round did. */
export interface RoundClosing {
  /** Members still taking part, who get the "what now" mail with the final check-in. */
  closingMails: number;
  partnershipsEnded: number;
  closedAt: string;
}

/**
 * Closes a running round at `now`: every member still taking part gets the "what now" mail (with the
 * final check-in), every partnership ends, then the round is closed, so nothing more is sent for it.
 * The mails are queued first: a run that fails half-way still finds the round running the next time,
 * and the send ledger sends each closing mail once.
 * @throws {TransitionRejected} when the round is not running (any more).
 */
export const closeRound = async (
  deps: CloseRoundDeps,
  state: RoundState,
  now: Date,
): Promise<RoundClosing> => {
  const at = now.toISOString();
  const closing: SendJob[] = state.members
    .filter((m) => m.status === 'active' && m.partnershipId)
    .map((m) => ({ v: 1, roundId: state.round.id, participantId: m.id, kind: 'close', topic: 0 }));
  await deps.queue.enqueue(closing);
  const open = state.partnerships.filter((p) => p.status !== 'ended');
  for (const partnership of open)
    await deps.lifecycle.endPartnership(state.round.id, partnership.id, 'round-closed', at, []);
  await deps.rounds.transitionRound(state.round.id, 'running', 'closed', { closedAt: at });
  return { closingMails: closing.length, partnershipsEnded: open.length, closedAt: at };
};
