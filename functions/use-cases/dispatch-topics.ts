import type { Member, Round } from '#core/model';
import { DISPATCH_INTERVAL_MS, dueScheduledJobs, scheduledMailDueIn, type Window } from '#core/schedule';
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

/** Enqueues the round's topic and check-in mails that fall due in the window. */
export const dispatchRound = async (
  deps: DispatchDeps,
  round: Round,
  members: readonly Member[],
  window: Window,
  delaySeconds = 0,
): Promise<DispatchResult> => {
  const jobs = dueScheduledJobs(round, members, window);
  await deps.queue.enqueue(jobs, delaySeconds);
  return { roundId: round.id, enqueued: jobs.length };
};

/**
 * One scheduled run: the topic and check-in mails of every running round that fall due in the interval ending at the
 * run's scheduled time. Windows of consecutive runs meet without overlapping, and a run replayed
 * from the dead-letter queue covers exactly its own window, so the dispatcher keeps no cursor
 * (and writes nothing). The launch covers everything up to `launchQueuedUntil`, so windows start there.
 */
export const dispatchDueTopics = async (deps: DispatchDeps, scheduledAt: Date): Promise<DispatchResult[]> => {
  const results: DispatchResult[] = [];
  for (const round of await deps.rounds.listRunningRounds()) {
    if (!round.launchQueuedUntil) continue;
    const windowStart = Math.max(
      scheduledAt.getTime() - DISPATCH_INTERVAL_MS,
      new Date(round.launchQueuedUntil).getTime(),
    );
    const window = { after: new Date(windowStart), until: scheduledAt };
    if (!scheduledMailDueIn(round, round.timeZones, window)) continue;
    results.push(await dispatchRound(deps, round, await loadMembers(deps.participants, round.id), window));
  }
  return results;
};
