import { describe, expect, it } from 'vitest';
import {
  FIRST_TOPIC_DELAY_SECONDS,
  launchRound,
  RoundNotLaunchable,
} from '../../../functions/use-cases/launch-round.ts';
import { aMember, aRound, partnered } from '../core/fixtures.ts';
import { InMemoryStore, RecordingQueue } from './fakes.ts';

const NOW = new Date('2025-03-03T12:00:00Z');

const setUp = (status: 'draft' | 'matched' | 'running' | 'closed' = 'matched', extra = {}) => {
  const round = aRound({ status, topicDays: [0, 14, 28], ...extra });
  const [aroha, carla] = partnered('pair', [
    aMember({ seed: 'aroha', timezone: 'Pacific/Auckland' }),
    aMember({ seed: 'carla', timezone: 'America/Chicago', country: 'US' }),
  ]) as [ReturnType<typeof aMember>, ReturnType<typeof aMember>];
  const solo = aMember({ seed: 'solo', timezone: 'Asia/Kolkata', country: 'IN' });
  const store = new InMemoryStore([round], [aroha, solo, carla]);
  const queue = new RecordingQueue();
  return { round, aroha, carla, solo, store, queue, deps: { rounds: store, participants: store, queue } };
};

describe('launchRound', () => {
  it('moves a matched round to running and records the launching event', async () => {
    // Prepare
    const { round, store, deps } = setUp();

    // Act
    const result = await launchRound(deps, { eventId: 'evt-1', roundId: round.id }, NOW);

    // Assess
    expect(result.outcome).toBe('launched');
    expect(store.rounds.get(round.id)).toMatchObject({
      status: 'running',
      launchEventId: 'evt-1',
      launchedAt: NOW.toISOString(),
    });
  });

  it('queues one introduction per partnered member and none for a member without partners', async () => {
    // Prepare
    const { round, aroha, carla, queue, deps } = setUp();

    // Act
    const result = await launchRound(deps, { eventId: 'evt-1', roundId: round.id }, NOW);

    // Assess
    const intros = queue.calls.find((c) => c.jobs.some((j) => j.kind === 'intro'));
    expect(intros?.jobs).toEqual([
      { v: 1, roundId: round.id, participantId: aroha.id, kind: 'intro', topic: 0 },
      { v: 1, roundId: round.id, participantId: carla.id, kind: 'intro', topic: 0 },
    ]);
    expect(intros?.delaySeconds ?? 0).toBe(0);
    expect(result.introductions).toBe(2);
  });

  it('queues the topics already due behind the introductions and advances the dispatch cursor', async () => {
    // Prepare: at 12:00 UTC on day 0, topic 1 is due in Auckland but not yet in Chicago (15:00 UTC).
    const { round, aroha, store, queue, deps } = setUp();

    // Act
    const result = await launchRound(deps, { eventId: 'evt-1', roundId: round.id }, NOW);

    // Assess
    const topicCall = queue.calls.find((c) => c.jobs.some((j) => j.kind === 'topic'));
    expect(topicCall).toEqual({
      jobs: [{ v: 1, roundId: round.id, participantId: aroha.id, kind: 'topic', topic: 1 }],
      delaySeconds: FIRST_TOPIC_DELAY_SECONDS,
    });
    expect(result.topics).toBe(1);
    expect(store.rounds.get(round.id)).toMatchObject({
      dispatchedThrough: NOW.toISOString(),
      nextDispatchAt: '2025-03-03T15:00:00.000Z',
    });
  });

  it('resumes without error when the same launch event is delivered again', async () => {
    // Prepare
    const { round, store, queue, deps } = setUp();
    await launchRound(deps, { eventId: 'evt-1', roundId: round.id }, NOW);
    const later = new Date(NOW.getTime() + 5 * 60_000);

    // Act
    const result = await launchRound(deps, { eventId: 'evt-1', roundId: round.id }, later);

    // Assess: introductions go out again (the ledger drops copies); topics already dispatched do not.
    expect(result).toEqual({ outcome: 'resumed', introductions: 2, topics: 0 });
    expect(queue.jobs.filter((j) => j.kind === 'topic')).toHaveLength(1);
    expect(store.rounds.get(round.id)).toMatchObject({ status: 'running', launchEventId: 'evt-1' });
  });

  it('refuses a different launch event for a round that is already running', async () => {
    // Prepare
    const { round, store, queue, deps } = setUp();
    await launchRound(deps, { eventId: 'evt-1', roundId: round.id }, NOW);
    const queuedBefore = queue.jobs.length;

    // Act
    const second = launchRound(deps, { eventId: 'evt-2', roundId: round.id }, NOW);

    // Assess
    await expect(second).rejects.toThrow(RoundNotLaunchable);
    expect(queue.jobs).toHaveLength(queuedBefore);
    expect(store.rounds.get(round.id)?.launchEventId).toBe('evt-1');
  });

  it('refuses to launch a draft round and queues nothing', async () => {
    // Prepare
    const { round, store, queue, deps } = setUp('draft');

    // Act
    const attempt = launchRound(deps, { eventId: 'evt-1', roundId: round.id }, NOW);

    // Assess
    await expect(attempt).rejects.toThrow(
      new RoundNotLaunchable(`round ${round.id} is draft; only a matched round can be launched`),
    );
    expect(queue.calls).toEqual([]);
    expect(store.rounds.get(round.id)?.status).toBe('draft');
  });

  it('refuses to launch a round that does not exist', async () => {
    // Prepare
    const { queue, deps } = setUp();

    // Act
    const attempt = launchRound(deps, { eventId: 'evt-1', roundId: 'no-such-round' }, NOW);

    // Assess
    await expect(attempt).rejects.toThrow(new RoundNotLaunchable('round no-such-round does not exist'));
    expect(queue.calls).toEqual([]);
  });

  it('lets a store failure other than a rejected transition through, so the event is retried', async () => {
    // Prepare
    const { round, store, queue, deps } = setUp();
    const outage = new Error('DynamoDB timed out');
    store.transitionRound = async () => {
      throw outage;
    };

    // Act
    const attempt = launchRound(deps, { eventId: 'evt-1', roundId: round.id }, NOW);

    // Assess
    await expect(attempt).rejects.toBe(outage);
    expect(queue.calls).toEqual([]);
  });
});
