import { describe, expect, it } from 'vitest';
import { dispatchDueTopics } from '../../../functions/use-cases/dispatch-topics.ts';
import { aMember, aRound, partnered } from '../core/fixtures.ts';
import { InMemoryStore, RecordingQueue } from './fakes.ts';

// Day 14 of a round starting 2025-03-03: 09:00 in Auckland was 2025-03-16T20:00Z.
const NOW = new Date('2025-03-16T21:00:00Z');

/** A running round (id of letters only) with one Auckland–India partnership. */
const roundWith = (id: string, extra: Parameters<typeof aRound>[0] = {}) => {
  const round = aRound({ id, topicDays: [0, 14, 28], ...extra });
  const members = partnered(id, [
    aMember({ seed: `${id}a`, roundId: id, timezone: 'Pacific/Auckland' }),
    aMember({ seed: `${id}b`, roundId: id, timezone: 'Pacific/Auckland', country: 'IN' }),
  ]);
  return { round, members };
};

describe('dispatchDueTopics', () => {
  it('enqueues the topics that fell due since the cursor and advances the cursor to now', async () => {
    // Prepare: topic 1 went out on day 0; the cursor sits just before topic 2 came due.
    const { round, members } = roundWith('due', {
      dispatchedThrough: '2025-03-16T19:00:00.000Z',
      nextDispatchAt: '2025-03-16T20:00:00.000Z',
    });
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    // Act
    const results = await dispatchDueTopics({ rounds: store, participants: store, queue }, NOW);

    // Assess
    expect(results).toEqual([{ roundId: 'due', enqueued: 2 }]);
    expect(queue.jobs.map((j) => [j.participantId, j.kind, j.topic])).toEqual(
      members.map((m) => [m.id, 'topic', 2]),
    );
    expect(store.rounds.get('due')).toMatchObject({
      dispatchedThrough: NOW.toISOString(),
      nextDispatchAt: '2025-03-30T20:00:00.000Z',
    });
  });

  it('skips a round whose next topic time is still in the future', async () => {
    // Prepare
    const { round, members } = roundWith('waiting', {
      dispatchedThrough: '2025-03-16T19:00:00.000Z',
      nextDispatchAt: '2025-03-30T20:00:00.000Z',
    });
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    // Act
    const results = await dispatchDueTopics({ rounds: store, participants: store, queue }, NOW);

    // Assess
    expect(results).toEqual([]);
    expect(queue.calls).toEqual([]);
    expect(store.advances).toEqual([]);
    expect(store.rounds.get('waiting')?.dispatchedThrough).toBe('2025-03-16T19:00:00.000Z');
  });

  it('skips a running round whose every topic has already been dispatched', async () => {
    // Prepare: the last topic (day 28) went out on 2025-03-30; the cursor is past it and nothing is left.
    const { round, members } = roundWith('finished', { dispatchedThrough: '2025-04-01T00:00:00.000Z' });
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();
    const now = new Date('2025-04-02T00:00:00Z');

    // Act
    const results = await dispatchDueTopics({ rounds: store, participants: store, queue }, now);

    // Assess: an hourly run must not read every member of a finished round again.
    expect(results).toEqual([]);
    expect(store.advances).toEqual([]);
  });

  it('dispatches a running round that has never been dispatched', async () => {
    const { round, members } = roundWith('fresh');
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    const results = await dispatchDueTopics({ rounds: store, participants: store, queue }, NOW);

    expect(results).toEqual([{ roundId: 'fresh', enqueued: 4 }]);
    expect(store.rounds.get('fresh')?.dispatchedThrough).toBe(NOW.toISOString());
  });

  it('leaves rounds that are not running alone', async () => {
    const { round, members } = roundWith('closed', { status: 'closed' });
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    const results = await dispatchDueTopics({ rounds: store, participants: store, queue }, NOW);

    expect(results).toEqual([]);
    expect(queue.calls).toEqual([]);
  });

  it('sends nothing twice when the next hourly run follows', async () => {
    // Prepare
    const { round, members } = roundWith('hourly');
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();
    const deps = { rounds: store, participants: store, queue };
    await dispatchDueTopics(deps, NOW);
    const afterFirst = queue.jobs.length;

    // Act
    const results = await dispatchDueTopics(deps, new Date(NOW.getTime() + 3600_000));

    // Assess
    expect(afterFirst).toBe(4);
    expect(results).toEqual([]);
    expect(queue.jobs).toHaveLength(afterFirst);
  });
});
