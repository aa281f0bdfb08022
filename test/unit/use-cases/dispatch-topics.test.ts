import { describe, expect, it } from 'vitest';
import type { Member, Round } from '#core/model';
import { dispatchDueTopics, dispatchRound } from '../../../functions/use-cases/dispatch-topics.ts';
import { launchRound } from '../../../functions/use-cases/launch-round.ts';
import { aMember, aRound, partnered, zonesOf } from '../core/fixtures.ts';
import { InMemoryStore, RecordingQueue } from './fakes.ts';

const HOUR = 3600_000;

// Day 14 of a round starting 2025-03-03: 09:00 in Auckland is 2025-03-16T20:00Z, in Kolkata 2025-03-17T03:30Z.
const AUCKLAND_TOPIC_2 = new Date('2025-03-16T20:00:00Z');
const KOLKATA_TOPIC_2 = new Date('2025-03-17T03:30:00Z');

/** A round (id of letters only) launched before day 0, with one Auckland–Kolkata partnership. */
const roundWith = (id: string, extra: Partial<Round> = {}) => {
  const [auckland, kolkata] = partnered(id, [
    aMember({ seed: `${id}a`, roundId: id, timezone: 'Pacific/Auckland' }),
    aMember({ seed: `${id}b`, roundId: id, timezone: 'Asia/Kolkata', country: 'IN' }),
  ]) as [Member, Member];
  const round = aRound({
    id,
    topicDays: [0, 14, 28],
    launchEventId: `launch-${id}`,
    launchQueuedUntil: '2025-03-02T12:00:00.000Z',
    timeZones: zonesOf([auckland, kolkata]),
    ...extra,
  });
  return { round, auckland, kolkata, members: [auckland, kolkata] };
};

const depsFor = (store: InMemoryStore, queue: RecordingQueue) => ({
  rounds: store,
  participants: store,
  queue,
});

describe('dispatchDueTopics', () => {
  it('enqueues, without delay, the topics that fell due in the hour ending at the scheduled time', async () => {
    // Prepare
    const { round, auckland, kolkata, members } = roundWith('due');
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    // Act
    const results = await dispatchDueTopics(depsFor(store, queue), AUCKLAND_TOPIC_2);

    // Assess: Kolkata's topic 2 falls in a later hour.
    expect(results).toEqual([{ roundId: 'due', enqueued: 1 }]);
    expect(queue.calls).toEqual([
      {
        jobs: [
          {
            v: 1,
            roundId: 'due',
            participantId: auckland.id,
            kind: 'topic',
            topic: 2,
            partnerIds: [kolkata.id],
          },
        ],
        delaySeconds: 0,
      },
    ]);
  });

  it('keeps no cursor: the round is left exactly as it was', async () => {
    // Prepare
    const { round, members } = roundWith('stateless');
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    // Act
    await dispatchDueTopics(depsFor(store, queue), AUCKLAND_TOPIC_2);

    // Assess
    expect(queue.jobs).toHaveLength(1);
    expect(store.rounds.get('stateless')).toEqual(round);
  });

  it('skips a round with nothing due in the window without reading its members', async () => {
    // Prepare: at 21:00 UTC the hour since 20:00 holds nothing for "quiet"; "busy" has its Auckland topic 2.
    const quiet = roundWith('quiet');
    const busy = roundWith('busy', { startDate: '2025-03-03', topicDays: [0, 15] });
    const store = new InMemoryStore([quiet.round, busy.round], [...quiet.members, ...busy.members]);
    const queue = new RecordingQueue();
    const scheduledAt = new Date(AUCKLAND_TOPIC_2.getTime() + 24 * HOUR);

    // Act
    const results = await dispatchDueTopics(depsFor(store, queue), scheduledAt);

    // Assess
    expect(results).toEqual([{ roundId: 'busy', enqueued: 1 }]);
    expect(queue.jobs.map((j) => [j.participantId, j.topic])).toEqual([[busy.auckland.id, 2]]);
    expect(store.memberReads).toEqual(['busy']);
  });

  it('skips a round whose every topic is past, without reading its members', async () => {
    // Prepare: the last topic (day 28) went out on 31 March.
    const { round, members } = roundWith('finished');
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    // Act
    const results = await dispatchDueTopics(depsFor(store, queue), new Date('2025-04-02T00:00:00Z'));

    // Assess
    expect(results).toEqual([]);
    expect(queue.calls).toEqual([]);
    expect(store.memberReads).toEqual([]);
  });

  it('dispatches nothing for a window that ends before the launch, which already sent that mail', async () => {
    // Prepare: launched half an hour after Auckland's topic 2; a late run for the hour before arrives.
    const { round, members } = roundWith('late', { launchQueuedUntil: '2025-03-16T20:30:00.000Z' });
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    // Act
    const results = await dispatchDueTopics(depsFor(store, queue), AUCKLAND_TOPIC_2);

    // Assess
    expect(results).toEqual([]);
    expect(queue.calls).toEqual([]);
    expect(store.memberReads).toEqual([]);
  });

  it('leaves to the launch the mail due in the part of the hour before launchQueuedUntil', async () => {
    // Prepare: launched at 03:45 UTC, after Kolkata's 03:30 topic 2; the 04:00 run covers 03:45–04:00.
    const { round, members } = roundWith('midhour', { launchQueuedUntil: '2025-03-17T03:45:00.000Z' });
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    // Act
    const results = await dispatchDueTopics(depsFor(store, queue), new Date('2025-03-17T04:00:00Z'));

    // Assess
    expect(results).toEqual([]);
    expect(queue.calls).toEqual([]);
  });

  it('dispatches the mail due between launchQueuedUntil and the end of the hour the launch fell in', async () => {
    // Prepare: launched at 03:15 UTC, before Kolkata's 03:30 topic 2.
    const { round, kolkata, members } = roundWith('early', { launchQueuedUntil: '2025-03-17T03:15:00.000Z' });
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    // Act
    const results = await dispatchDueTopics(depsFor(store, queue), new Date('2025-03-17T04:00:00Z'));

    // Assess
    expect(results).toEqual([{ roundId: 'early', enqueued: 1 }]);
    expect(queue.jobs.map((j) => [j.participantId, j.topic])).toEqual([[kolkata.id, 2]]);
  });

  it('skips a running round that has no launch time', async () => {
    // Prepare
    const { round, members } = roundWith('unlaunched', { launchQueuedUntil: undefined });
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    // Act
    const results = await dispatchDueTopics(depsFor(store, queue), AUCKLAND_TOPIC_2);

    // Assess
    expect(results).toEqual([]);
    expect(queue.calls).toEqual([]);
    expect(store.memberReads).toEqual([]);
  });

  it('leaves rounds that are not running alone', async () => {
    // Prepare
    const { round, members } = roundWith('closed', { status: 'closed' });
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    // Act
    const results = await dispatchDueTopics(depsFor(store, queue), AUCKLAND_TOPIC_2);

    // Assess
    expect(results).toEqual([]);
    expect(queue.calls).toEqual([]);
  });

  it('enqueues exactly the same jobs when a run is replayed with the same scheduled time', async () => {
    // Prepare: two members are due in the same hour.
    const { round, members } = roundWith('replay', { topicDays: [0, 14] });
    const both = members.map((m) => ({ ...m, timezone: 'Asia/Kolkata' }));
    const store = new InMemoryStore([{ ...round, timeZones: ['Asia/Kolkata'] }], both);
    const queue = new RecordingQueue();
    const deps = depsFor(store, queue);
    const first = await dispatchDueTopics(deps, new Date('2025-03-17T04:00:00Z'));

    // Act: the dead-letter queue hands the same scheduled event back a day later.
    const replay = await dispatchDueTopics(deps, new Date('2025-03-17T04:00:00Z'));

    // Assess
    expect(first).toEqual([{ roundId: 'replay', enqueued: 2 }]);
    expect(replay).toEqual(first);
    expect(queue.calls).toHaveLength(2);
    expect(queue.calls[1]).toEqual(queue.calls[0]);
  });

  it('sends nothing twice when the next hourly run follows', async () => {
    // Prepare
    const { round, members } = roundWith('hourly');
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();
    const deps = depsFor(store, queue);
    await dispatchDueTopics(deps, AUCKLAND_TOPIC_2);

    // Act
    const results = await dispatchDueTopics(deps, new Date(AUCKLAND_TOPIC_2.getTime() + HOUR));

    // Assess
    expect(queue.jobs).toHaveLength(1);
    expect(results).toEqual([]);
  });

  it('with the launch, sends every topic and the check-in of a 16-week round exactly once to members in four zones', async () => {
    // Prepare: Kolkata (+05:30) falls due half way through an hour; Chicago and London change their
    // clocks during the round. The launch comes at 02:17 UTC on day 0, the hourly runs after it.
    const members = [
      ...partnered('pair', [
        aMember({ seed: 'aroha', timezone: 'Pacific/Auckland' }),
        aMember({ seed: 'priya', timezone: 'Asia/Kolkata', country: 'IN' }),
      ]),
      ...partnered('trio', [
        aMember({ seed: 'carla', timezone: 'America/Chicago', country: 'US' }),
        aMember({ seed: 'dev', timezone: 'Asia/Kolkata', country: 'IN' }),
        aMember({ seed: 'ellie', timezone: 'Europe/London', country: 'GB' }),
      ]),
    ];
    const round = aRound({ status: 'matched' });
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();
    const deps = depsFor(store, queue);
    await launchRound(deps, { eventId: 'evt-1', roundId: round.id }, new Date('2025-03-03T02:17:00Z'));

    // Act
    const end = new Date('2025-06-20T00:00:00Z').getTime();
    for (let t = new Date('2025-03-03T03:00:00Z').getTime(); t <= end; t += HOUR) {
      await dispatchDueTopics(deps, new Date(t));
    }

    // Assess
    const sent = queue.jobs.filter((j) => j.kind === 'topic').map((j) => `${j.participantId}/${j.topic}`);
    expect(round.topicDays).toHaveLength(8);
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent.sort()).toEqual(
      members.flatMap((m) => round.topicDays.map((_, i) => `${m.id}/${i + 1}`)).sort(),
    );
    const checkins = queue.jobs
      .filter((j) => j.kind === 'checkin')
      .map((j) => `${j.participantId}/${j.topic}`);
    expect(checkins.sort()).toEqual(members.map((m) => `${m.id}/1`).sort());
  });

  it("enqueues check-in 1 at 09:00 in each member's time zone on the round's check-in day", async () => {
    // Prepare: day 21 is 24 March 2025; 09:00 in Auckland (NZDT) is 20:00 UTC on the 23rd, in
    // Kolkata 03:30 UTC on the 24th. No topic falls due that day.
    const { round, auckland, kolkata, members } = roundWith('checkin', { checkinDays: [21] });
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();
    const deps = depsFor(store, queue);

    // Act
    const atAuckland = await dispatchDueTopics(deps, new Date('2025-03-23T20:00:00Z'));
    const between = await dispatchDueTopics(deps, new Date('2025-03-24T02:00:00Z'));
    const atKolkata = await dispatchDueTopics(deps, new Date('2025-03-24T04:00:00Z'));

    // Assess
    expect([atAuckland, between, atKolkata]).toEqual([
      [{ roundId: 'checkin', enqueued: 1 }],
      [],
      [{ roundId: 'checkin', enqueued: 1 }],
    ]);
    expect(queue.jobs).toEqual([
      {
        v: 1,
        roundId: 'checkin',
        participantId: auckland.id,
        kind: 'checkin',
        topic: 1,
        partnerIds: [kolkata.id],
      },
      {
        v: 1,
        roundId: 'checkin',
        participantId: kolkata.id,
        kind: 'checkin',
        topic: 1,
        partnerIds: [auckland.id],
      },
    ]);
  });
});

describe('launch and hourly dispatch together', () => {
  // Regression: the launch once covered only up to the instant it started, so an hourly run that
  // did not yet see the round as running lost the mail due in between. The launch now covers
  // LAUNCH_COVER_MS beyond its start and the hourly runs begin after that.
  it('queues a topic due between the start of a launch and the moment its round becomes visible as running', async () => {
    // Prepare: the launch starts half a second before 15:00 UTC, when Chicago's topic 1 falls due;
    // the 15:00 run happens while the launch is still reading members.
    const [aroha, carla] = partnered('pair', [
      aMember({ seed: 'aroha', timezone: 'Pacific/Auckland' }),
      aMember({ seed: 'carla', timezone: 'America/Chicago', country: 'US' }),
    ]) as [Member, Member];
    const round = aRound({ status: 'matched', topicDays: [0, 14] });
    const store = new InMemoryStore([round], [aroha, carla]);
    const queue = new RecordingQueue();
    const deps = depsFor(store, queue);
    const readMembers = store.listMembers.bind(store);
    let raced = false;
    store.listMembers = async function* (roundId: string) {
      if (!raced) {
        raced = true;
        await dispatchDueTopics(deps, new Date('2025-03-03T15:00:00Z'));
      }
      yield* readMembers(roundId);
    };

    // Act
    await launchRound(deps, { eventId: 'evt-1', roundId: round.id }, new Date('2025-03-03T14:59:59.500Z'));
    for (
      let t = new Date('2025-03-03T16:00:00Z').getTime();
      t <= new Date('2025-03-04T00:00:00Z').getTime();
      t += HOUR
    ) {
      await dispatchDueTopics(deps, new Date(t));
    }

    // Assess
    const topicOne = queue.jobs
      .filter((j) => j.kind === 'topic' && j.topic === 1)
      .map((j) => j.participantId);
    expect(topicOne.sort()).toEqual([aroha.id, carla.id].sort());
  });
});

describe('dispatchRound', () => {
  it("enqueues the window's topics with the given delay and reports how many", async () => {
    // Prepare
    const { round, auckland, kolkata, members } = roundWith('direct');
    const queue = new RecordingQueue();
    const store = new InMemoryStore([round], members);

    // Act
    const result = await dispatchRound(
      depsFor(store, queue),
      round,
      members,
      { after: new Date(AUCKLAND_TOPIC_2.getTime() - HOUR), until: KOLKATA_TOPIC_2 },
      90,
    );

    // Assess
    expect(result).toEqual({ roundId: 'direct', enqueued: 2 });
    expect(queue.calls).toEqual([
      {
        jobs: [
          {
            v: 1,
            roundId: 'direct',
            participantId: auckland.id,
            kind: 'topic',
            topic: 2,
            partnerIds: [kolkata.id],
          },
          {
            v: 1,
            roundId: 'direct',
            participantId: kolkata.id,
            kind: 'topic',
            topic: 2,
            partnerIds: [auckland.id],
          },
        ],
        delaySeconds: 90,
      },
    ]);
  });
});
