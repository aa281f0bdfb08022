import { describe, expect, it } from 'vitest';
import {
  FIRST_TOPIC_DELAY_SECONDS,
  LAUNCH_COVER_MS,
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
  it('moves a matched round to running and records the launching event, its time and the time zones', async () => {
    // Prepare
    const { round, store, deps } = setUp();

    // Act
    const result = await launchRound(deps, { eventId: 'evt-1', roundId: round.id }, NOW);

    // Assess: the unpartnered member's zone (Kolkata) is not recorded.
    expect(result.outcome).toBe('launched');
    expect(store.rounds.get(round.id)).toEqual({
      ...round,
      status: 'running',
      launchEventId: 'evt-1',
      launchedAt: NOW.toISOString(),
      launchQueuedUntil: new Date(NOW.getTime() + LAUNCH_COVER_MS).toISOString(),
      timeZones: ['America/Chicago', 'Pacific/Auckland'],
    });
  });

  it('records each time zone of the partnered members once, sorted', async () => {
    // Prepare: two partnerships sharing Auckland, and an unpartnered member in London.
    const round = aRound({ status: 'matched' });
    const members = [
      ...partnered('one', [
        aMember({ seed: 'aroha', timezone: 'Pacific/Auckland' }),
        aMember({ seed: 'priya', timezone: 'Asia/Kolkata', country: 'IN' }),
      ]),
      ...partnered('two', [
        aMember({ seed: 'mere', timezone: 'Pacific/Auckland' }),
        aMember({ seed: 'carla', timezone: 'America/Chicago', country: 'US' }),
      ]),
      aMember({ seed: 'solo', timezone: 'Europe/London', country: 'GB' }),
    ];
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    // Act
    await launchRound(
      { rounds: store, participants: store, queue },
      { eventId: 'evt-1', roundId: round.id },
      NOW,
    );

    // Assess
    expect(store.rounds.get(round.id)?.timeZones).toEqual([
      'America/Chicago',
      'Asia/Kolkata',
      'Pacific/Auckland',
    ]);
  });

  it('leaves the round matched when its members cannot be read, so a retry can launch it', async () => {
    // Prepare
    const { round, store, queue, deps } = setUp();
    const outage = new Error('DynamoDB timed out');
    store.listMembers = async function* () {
      yield [];
      throw outage;
    };

    // Act
    const attempt = launchRound(deps, { eventId: 'evt-1', roundId: round.id }, NOW);

    // Assess
    await expect(attempt).rejects.toBe(outage);
    expect(store.rounds.get(round.id)).toEqual(round);
    expect(queue.calls).toEqual([]);
  });

  it('queues one introduction per partnered member and none for a member without partners', async () => {
    // Prepare
    const { round, aroha, carla, queue, deps } = setUp();

    // Act
    const result = await launchRound(deps, { eventId: 'evt-1', roundId: round.id }, NOW);

    // Assess
    const intros = queue.calls.find((c) => c.jobs.some((j) => j.kind === 'intro'));
    expect(intros?.jobs).toEqual([
      { v: 1, roundId: round.id, participantId: aroha.id, kind: 'intro', topic: 0, partnerIds: [carla.id] },
      { v: 1, roundId: round.id, participantId: carla.id, kind: 'intro', topic: 0, partnerIds: [aroha.id] },
    ]);
    expect(intros?.delaySeconds ?? 0).toBe(0);
    expect(result.introductions).toBe(2);
  });

  it('queues the topics due by the launch behind the introductions, with the partners', async () => {
    // Prepare: at 12:00 UTC on day 0, topic 1 is due in Auckland but not yet in Chicago (15:00 UTC).
    const { round, aroha, carla, queue, deps } = setUp();

    // Act
    const result = await launchRound(deps, { eventId: 'evt-1', roundId: round.id }, NOW);

    // Assess: introductions first, then the topic, delayed so that it arrives second.
    expect(queue.calls.map((c) => c.jobs[0]?.kind)).toEqual(['intro', 'topic']);
    expect(queue.calls[1]).toEqual({
      jobs: [
        { v: 1, roundId: round.id, participantId: aroha.id, kind: 'topic', topic: 1, partnerIds: [carla.id] },
      ],
      delaySeconds: FIRST_TOPIC_DELAY_SECONDS,
    });
    expect(result.topics).toBe(1);
  });

  it('queues a topic due exactly at the launch time with the launch', async () => {
    // Prepare: 15:00 UTC on day 0 is 09:00 in Chicago.
    const { round, aroha, carla, queue, deps } = setUp();

    // Act
    const result = await launchRound(
      deps,
      { eventId: 'evt-1', roundId: round.id },
      new Date('2025-03-03T15:00:00Z'),
    );

    // Assess
    expect(result.topics).toBe(2);
    expect(queue.jobs.filter((j) => j.kind === 'topic').map((j) => j.participantId)).toEqual([
      aroha.id,
      carla.id,
    ]);
  });

  it('queues no topic for a member without partners', async () => {
    // Prepare: by 2025-03-20 topics 1 and 2 are due everywhere, including the unpartnered Kolkata member's zone.
    const { round, solo, queue, deps } = setUp();

    // Act
    const result = await launchRound(
      deps,
      { eventId: 'evt-1', roundId: round.id },
      new Date('2025-03-20T00:00:00Z'),
    );

    // Assess
    expect(result.topics).toBe(4);
    expect(queue.jobs.map((j) => j.participantId)).not.toContain(solo.id);
  });

  it('resumes a redelivered launch from the stored launch time, not the time of the retry', async () => {
    // Prepare: launched at 12:00 UTC; the retry comes at 16:00, after Chicago's 09:00 (15:00 UTC),
    // which the hourly dispatcher covers because it falls after launchQueuedUntil.
    const { round, aroha, store, queue, deps } = setUp();
    await launchRound(deps, { eventId: 'evt-1', roundId: round.id }, NOW);
    const firstTopics = queue.calls[1];
    const later = new Date('2025-03-03T16:00:00Z');

    // Act
    const result = await launchRound(deps, { eventId: 'evt-1', roundId: round.id }, later);

    // Assess: introductions and topics go out again (the ledger drops copies), the same ones as before.
    expect(result).toEqual({ outcome: 'resumed', introductions: 2, topics: 1 });
    expect(queue.calls).toHaveLength(4);
    expect(queue.calls[2]).toEqual(queue.calls[0]);
    expect(queue.calls[3]).toEqual(firstTopics);
    expect(firstTopics?.jobs.map((j) => j.participantId)).toEqual([aroha.id]);
    expect(store.rounds.get(round.id)).toMatchObject({
      status: 'running',
      launchEventId: 'evt-1',
      launchedAt: NOW.toISOString(),
    });
  });

  it('refuses to resume a running round that has the same launch event but no record of what the launch queued', async () => {
    // Prepare
    const { round, queue, deps } = setUp('running', { launchEventId: 'evt-1' });

    // Act
    const attempt = launchRound(deps, { eventId: 'evt-1', roundId: round.id }, NOW);

    // Assess
    await expect(attempt).rejects.toThrow(RoundNotLaunchable);
    expect(queue.calls).toEqual([]);
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
