import type { Member, Round } from '#core/model';
import { DISPATCH_INTERVAL_MS, dueScheduledJobs, scheduledMailDueIn, type Window } from '#core/schedule';
import type { JobQueue } from '#ports/queue';
import type { ParticipantStore, RoundStore } from '#ports/store';
import { forEachRunningRound, type RoundFailure } from './each-round.ts';

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
 * How far back a run looks for mail that earlier runs failed to queue. Three days ride out a long
 * weekend's outage; anything older is left alone (and logged by the caller as a gap), because a topic
 * queued days late would cross the next one, and a round without a watermark yet (stored before
 * watermarks existed) must not re-queue its whole history — the ledger would absorb it, at a price.
 */
export const MAX_CATCH_UP_MS = 72 * DISPATCH_INTERVAL_MS;

/** The part of the timeline one run covers for a round; undefined when earlier runs covered it all. */
export const dispatchWindow = (round: Round, scheduledAt: Date): (Window & { after: Date }) | undefined => {
  if (!round.launchQueuedUntil) return undefined;
  const start = Math.max(
    Date.parse(round.launchQueuedUntil),
    round.dispatchedUntil ? Date.parse(round.dispatchedUntil) : Number.NEGATIVE_INFINITY,
    scheduledAt.getTime() - MAX_CATCH_UP_MS,
  );
  return start < scheduledAt.getTime() ? { after: new Date(start), until: scheduledAt } : undefined;
};

export interface DispatchRun {
  dispatched: DispatchResult[];
  /** Rounds whose dispatch failed: the next run covers their window again. */
  failed: RoundFailure[];
  /** Rounds with mail due between their watermark and MAX_CATCH_UP_MS ago: that mail is not caught up. */
  gaps: { roundId: string; since: string }[];
}

/**
 * One scheduled run: the topic and check-in mails of every running round that fall due between the
 * round's watermark (`dispatchedUntil`, else `launchQueuedUntil` — the launch queued everything up to
 * it) and the run's scheduled time, at most MAX_CATCH_UP_MS back. After the jobs are queued the
 * watermark moves to the scheduled time, with a conditional write that never moves it back: so the
 * hour of a run that failed (beyond its retries) is covered by the next run, a retried or replayed run
 * finds its window already covered, and a repeated enqueue is harmless anyway (the send ledger sends
 * each mail once). The watermark is written only for a round that had mail due in the window — the
 * same rounds whose members are read, a read that costs more than the write and that the write keeps
 * the next runs from repeating. Each round is on its own: one that fails is reported and the rest go on.
 */
export const dispatchDueTopics = async (deps: DispatchDeps, scheduledAt: Date): Promise<DispatchRun> => {
  const gaps: DispatchRun['gaps'] = [];
  const { done, failed } = await forEachRunningRound(deps.rounds, async (round) => {
    const window = dispatchWindow(round, scheduledAt);
    if (!window) return undefined;
    // Mail due between the watermark and the look-back's start is not caught up: say so, once (the
    // watermark then moves past it). Without a watermark there is nothing to compare with: the round
    // is new (the launch covered it) or older than watermarks (its hourly runs kept no record).
    const covered = round.dispatchedUntil ? new Date(round.dispatchedUntil) : window.after;
    const lost =
      covered < window.after &&
      scheduledMailDueIn(round, round.timeZones, { after: covered, until: window.after });
    if (lost) gaps.push({ roundId: round.id, since: covered.toISOString() });
    const due = scheduledMailDueIn(round, round.timeZones, window);
    if (!due && !lost) return undefined;
    const result = due
      ? await dispatchRound(deps, round, await loadMembers(deps.participants, round.id), window)
      : undefined;
    await deps.rounds.advanceDispatchedUntil(round.id, scheduledAt.toISOString());
    return result;
  });
  return { dispatched: done, failed, gaps };
};
