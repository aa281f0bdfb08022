import type { Member, Round } from '#core/model';
import { dueTopicJobs } from '#core/schedule';
import type { JobQueue } from '#ports/queue';
import type { ParticipantStore, RoundStore } from '#ports/store';

export interface DispatchDeps {
  rounds: RoundStore;
  participants: ParticipantStore;
  queue: JobQueue;
}

export interface DispatchResult {
  roundId: string;
  enqueued: number;
}

export const loadMembers = async (participants: ParticipantStore, roundId: string): Promise<Member[]> => {
  const members: Member[] = [];
  for await (const page of participants.listMembers(roundId)) members.push(...page);
  return members;
};

/**
 * Enqueues one round's topic mails that fell due since its dispatch cursor, then advances the cursor.
 * Enqueue comes first: if we crash in between, the retry enqueues again and the ledger drops the copies.
 */
export const dispatchRound = async (
  deps: DispatchDeps,
  round: Round,
  members: readonly Member[],
  now: Date,
  delaySeconds = 0,
): Promise<DispatchResult> => {
  const since = round.dispatchedThrough ? new Date(round.dispatchedThrough) : undefined;
  const plan = dueTopicJobs(round, members, since, now);
  await deps.queue.enqueue(plan.jobs, delaySeconds);
  await deps.rounds.advanceDispatch(
    round.id,
    round.dispatchedThrough,
    now.toISOString(),
    plan.next?.toISOString(),
  );
  return { roundId: round.id, enqueued: plan.jobs.length };
};

/** The hourly run: every running round whose next topic time has come. */
export const dispatchDueTopics = async (deps: DispatchDeps, now: Date): Promise<DispatchResult[]> => {
  // A round with no next time has either never been dispatched (launch crashed early) or is done.
  const due = (await deps.rounds.listRunningRounds()).filter((round) =>
    round.nextDispatchAt ? new Date(round.nextDispatchAt) <= now : !round.dispatchedThrough,
  );
  const results: DispatchResult[] = [];
  for (const round of due) {
    results.push(await dispatchRound(deps, round, await loadMembers(deps.participants, round.id), now));
  }
  return results;
};
