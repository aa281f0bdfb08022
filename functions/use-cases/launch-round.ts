import type { SendJob } from '#core/model';
import { TransitionRejected } from '#ports/store';
import { type DispatchDeps, dispatchRound, loadMembers } from './dispatch-topics.ts';

/** The round cannot be launched from its current state; retrying will not help. */
export class RoundNotLaunchable extends Error {
  override name = 'RoundNotLaunchable';
}

/** Topic mails due at launch wait this long, so the introduction arrives first. */
export const FIRST_TOPIC_DELAY_SECONDS = 120;

/**
 * The launch also queues topics falling due this soon after it. An hourly run scheduled inside this
 * margin may not see the round as running yet (the launch is still writing, the index catching up),
 * so the launch covers that stretch itself and the hourly runs start after it.
 */
export const LAUNCH_COVER_MS = 60_000;

export interface LaunchResult {
  outcome: 'launched' | 'resumed';
  introductions: number;
  topics: number;
}

/**
 * Moves a matched round to running and queues every introduction, then every topic already due.
 * Exactly-once: the transition is conditional and remembers the launching event, so a redelivery of
 * that event resumes (the ledger drops mail already sent) while any other launch is refused.
 */
export const launchRound = async (
  deps: DispatchDeps,
  request: { eventId: string; roundId: string },
  now: Date,
): Promise<LaunchResult> => {
  const members = (await loadMembers(deps.participants, request.roundId)).filter((m) => m.partnershipId);
  let outcome: LaunchResult['outcome'] = 'launched';
  let queuedUntil = new Date(now.getTime() + LAUNCH_COVER_MS).toISOString();
  try {
    await deps.rounds.transitionRound(request.roundId, 'matched', 'running', {
      launchEventId: request.eventId,
      launchedAt: now.toISOString(),
      launchQueuedUntil: queuedUntil,
      timeZones: [...new Set(members.map((m) => m.timezone))].sort(),
    });
  } catch (error) {
    if (!(error instanceof TransitionRejected)) throw error;
    const round = await deps.rounds.getRound(request.roundId);
    if (!round) throw new RoundNotLaunchable(`round ${request.roundId} does not exist`);
    if (round.status !== 'running' || round.launchEventId !== request.eventId || !round.launchQueuedUntil) {
      throw new RoundNotLaunchable(
        `round ${request.roundId} is ${round.status}; only a matched round can be launched`,
      );
    }
    outcome = 'resumed';
    queuedUntil = round.launchQueuedUntil;
  }

  const introductions: SendJob[] = members.map((member) => ({
    v: 1,
    roundId: request.roundId,
    participantId: member.id,
    kind: 'intro',
    topic: 0,
    partnerIds: member.partnerIds,
  }));
  await deps.queue.enqueue(introductions);

  const round = await deps.rounds.getRound(request.roundId);
  if (!round) throw new Error(`round ${request.roundId} vanished during launch`);
  const topics = await dispatchRound(
    deps,
    round,
    members,
    { until: new Date(queuedUntil) },
    FIRST_TOPIC_DELAY_SECONDS,
  );
  return { outcome, introductions: introductions.length, topics: topics.enqueued };
};
