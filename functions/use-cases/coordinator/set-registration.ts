import type { NextRoundJob, RegistrationState } from '#core/model';
import type { JobQueue } from '#ports/queue';
import type { SignUpStore } from '#ports/sign-ups';
import { type RoundStore, TransitionRejected } from '#ports/store';
import { RoundNotFound, RoundStatusRefused } from './errors.ts';

export interface SetRegistrationDeps {
  rounds: Pick<RoundStore, 'getRound' | 'setRegistration'>;
  /** The waiting list for the next round, which opening registration mails once. */
  signUps: Pick<SignUpStore, 'listWaiting' | 'removeFromWaitingList'>;
  /** The send queue: the "next round open" mails go out like every other mail, through the ledger. */
  queue: JobQueue;
}

/** What `tandem round registration` did (its `--json`): `notified` people from the waiting list. */
export interface RegistrationSet {
  roundId: string;
  registration: RegistrationState;
  /** How many on the waiting list were sent the "next round open" mail (none when closing). */
  notified: number;
}

/**
 * Opens or closes a round's sign-up page. Only a draft round can be open: matching pairs the members
 * as they are, and closes registration itself. Closing a round that is closed already changes nothing.
 * Opening mails everyone on the waiting list (as of `now`) once that the round takes sign-ups, and takes
 * them off it: the mails are queued first, so a run that stops half-way leaves them on the list for the
 * next opening, and the send ledger (one row per round and person) sends each mail once.
 * @throws {RoundNotFound}
 * @throws {RoundStatusRefused} when opening a round that is not (or no longer) a draft.
 */
export const setRegistration = async (
  deps: SetRegistrationDeps,
  roundId: string,
  registration: RegistrationState,
  now: Date,
): Promise<RegistrationSet> => {
  const round = await deps.rounds.getRound(roundId);
  if (!round) throw new RoundNotFound(roundId);
  const refused = (status: string) =>
    new RoundStatusRefused(roundId, status, 'only a draft round can take sign-ups, before matching');
  if (registration === 'open' && round.status !== 'draft') throw refused(round.status);
  try {
    await deps.rounds.setRegistration(roundId, registration);
  } catch (error) {
    if (!(error instanceof TransitionRejected)) throw error;
    // Matched (or deleted) between the read and the write: say what it is now.
    const current = await deps.rounds.getRound(roundId);
    if (!current) throw new RoundNotFound(roundId);
    throw refused(current.status);
  }
  if (registration === 'closed') return { roundId, registration, notified: 0 };

  const waiting = await deps.signUps.listWaiting(now);
  const jobs = waiting.map(
    ({ participantId }): NextRoundJob => ({ v: 1, kind: 'next-round-open', roundId, participantId }),
  );
  if (jobs.length > 0) await deps.queue.enqueue(jobs);
  for (const { participantId } of waiting) await deps.signUps.removeFromWaitingList(participantId);
  return { roundId, registration, notified: jobs.length };
};
