import { describe, expect, it } from 'vitest';
import type { Member, Round, SendJob } from '#core/model';
import {
  type DispatchDeps,
  dispatchDueTopics,
  dispatchRound,
  MAX_CATCH_UP_MS,
} from '../../../functions/use-cases/dispatch-topics.ts';
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

/** One run that must not fail for any round: what it dispatched. */
const dispatched = async (deps: DispatchDeps, scheduledAt: Date) => {
  const run = await dispatchDueTopics(deps, scheduledAt);
  expect(run.failed).toEqual([]);
  return run.dispatched;
};

/** The hour before `at` is covered: as the round stands after the previous hourly run queued something. */
const coveredUntilHourBefore = (at: Date) => ({
  dispatchedUntil: new Date(at.getTime() - HOUR).toISOString(),
});

/** A queue that refuses the jobs of the given rounds while `down` is true, as SQS in an outage. */
class FlakyQueue extends RecordingQueue {
  down = true;

  constructor(private readonly failingRounds: readonly string[]) {
    super();
  }

  override async enqueue(jobs: SendJob[], delaySeconds?: number): Promise<void> {
    if (this.down && jobs.some((j) => this.failingRounds.includes(j.roundId)))
      throw new Error('SQS: ServiceUnavailable');
    await super.enqueue(jobs, delaySeconds);
  }
}

describe('dispatchDueTopics', () => {
  it('enqueues, without delay, the topics that fell due in the hour ending at the scheduled time', async () => {
    // Prepare
    const { round, auckland, kolkata, members } = roundWith('due', coveredUntilHourBefore(AUCKLAND_TOPIC_2));
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    // Act
    const results = await dispatched(depsFor(store, queue), AUCKLAND_TOPIC_2);

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

  it("moves the round's watermark to the scheduled time once the jobs are queued", async () => {
    // Prepare
    const { round, members } = roundWith('mark');
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    // Act
    await dispatched(depsFor(store, queue), AUCKLAND_TOPIC_2);

    // Assess
    expect(queue.jobs).toHaveLength(1);
    expect(store.rounds.get('mark')).toEqual({ ...round, dispatchedUntil: AUCKLAND_TOPIC_2.toISOString() });
    expect(store.watermarkWrites).toEqual([`mark@${AUCKLAND_TOPIC_2.toISOString()}`]);
  });

  it('writes no watermark for a round with nothing due, and reads none of its members', async () => {
    // Prepare: the hour after Auckland's topic 2 holds nothing.
    const at = new Date(AUCKLAND_TOPIC_2.getTime() + HOUR);
    const { round, members } = roundWith('idle', { dispatchedUntil: AUCKLAND_TOPIC_2.toISOString() });
    const store = new InMemoryStore([round], members);

    // Act
    const results = await dispatched(depsFor(store, new RecordingQueue()), at);

    // Assess
    expect(results).toEqual([]);
    expect(store.watermarkWrites).toEqual([]);
    expect(store.memberReads).toEqual([]);
  });

  it('catches up, in the next hourly run, the hour whose run failed: every member gets the topic once', async () => {
    // Prepare: both members' topic 2 falls due in the hour to 20:00 UTC; SQS is down for that run.
    const { round, members } = roundWith('catchup', coveredUntilHourBefore(AUCKLAND_TOPIC_2));
    const both = members.map((m) => ({ ...m, timezone: 'Pacific/Auckland' }));
    const store = new InMemoryStore([{ ...round, timeZones: ['Pacific/Auckland'] }], both);
    const queue = new FlakyQueue(['catchup']);
    const deps = depsFor(store, queue);
    const failed = await dispatchDueTopics(deps, AUCKLAND_TOPIC_2);
    expect(failed.failed).toMatchObject([
      { roundId: 'catchup', error: new Error('SQS: ServiceUnavailable') },
    ]);
    expect(store.rounds.get('catchup')?.dispatchedUntil).toBe(round.dispatchedUntil);

    // Act: SQS is back for the next hourly run, and the run after it follows.
    queue.down = false;
    const next = await dispatched(deps, new Date(AUCKLAND_TOPIC_2.getTime() + HOUR));
    const after = await dispatched(deps, new Date(AUCKLAND_TOPIC_2.getTime() + 2 * HOUR));

    // Assess
    expect(next).toEqual([{ roundId: 'catchup', enqueued: 2 }]);
    expect(after).toEqual([]);
    expect(queue.jobs.map((j) => `${j.participantId}/${j.topic}`).sort()).toEqual(
      both.map((m) => `${m.id}/2`).sort(),
    );
  });

  it("goes on with the other rounds when one round's dispatch fails, and reports that round", async () => {
    // Prepare
    const first = roundWith('afirst', coveredUntilHourBefore(AUCKLAND_TOPIC_2));
    const second = roundWith('bsecond', coveredUntilHourBefore(AUCKLAND_TOPIC_2));
    const store = new InMemoryStore([first.round, second.round], [...first.members, ...second.members]);
    const queue = new FlakyQueue(['afirst']);

    // Act
    const run = await dispatchDueTopics(depsFor(store, queue), AUCKLAND_TOPIC_2);

    // Assess
    expect(run.failed.map((f) => f.roundId)).toEqual(['afirst']);
    expect(run.dispatched).toEqual([{ roundId: 'bsecond', enqueued: 1 }]);
    expect(store.watermarkWrites).toEqual([`bsecond@${AUCKLAND_TOPIC_2.toISOString()}`]);
  });

  it('reports a round whose stored item cannot be read and dispatches the others', async () => {
    // Prepare: the store hands the broken round to onUnreadable, as the DynamoDB store does.
    const { round, members } = roundWith('fine', coveredUntilHourBefore(AUCKLAND_TOPIC_2));
    const store = new InMemoryStore([round], members);
    const broken = new Error('stored round ROUND#broken/ROUND is invalid');
    const rounds = Object.assign(Object.create(store) as InMemoryStore, {
      listRunningRounds: async (onUnreadable?: (roundId: string, error: Error) => void) => {
        onUnreadable?.('broken', broken);
        return store.listRunningRounds();
      },
    });

    // Act
    const run = await dispatchDueTopics(
      { ...depsFor(store, new RecordingQueue()), rounds },
      AUCKLAND_TOPIC_2,
    );

    // Assess
    expect(run.failed).toEqual([{ roundId: 'broken', error: broken }]);
    expect(run.dispatched).toEqual([{ roundId: 'fine', enqueued: 1 }]);
  });

  it('looks back at most MAX_CATCH_UP_MS, and reports the mail due before that as a gap', async () => {
    // Prepare: the last run that queued anything was the hour before Auckland's topic 2; every run
    // failed since, for three days and an hour.
    const at = new Date(AUCKLAND_TOPIC_2.getTime() + MAX_CATCH_UP_MS + HOUR);
    const since = new Date(AUCKLAND_TOPIC_2.getTime() - HOUR).toISOString();
    const { round, kolkata, members } = roundWith('gap', { dispatchedUntil: since });
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    // Act
    const run = await dispatchDueTopics(depsFor(store, queue), at);

    // Assess: Auckland's topic 2 is beyond the look-back, Kolkata's (seven and a half hours later) is not.
    expect(run.gaps).toEqual([{ roundId: 'gap', since }]);
    expect(queue.jobs.map((j) => [j.participantId, j.topic])).toEqual([[kolkata.id, 2]]);
    expect(store.rounds.get('gap')?.dispatchedUntil).toBe(at.toISOString());
  });

  it('skips a round with nothing due in the window without reading its members', async () => {
    // Prepare: at 21:00 UTC the hour since 20:00 holds nothing for "quiet"; "busy" has its Auckland topic 2.
    const scheduledAt = new Date(AUCKLAND_TOPIC_2.getTime() + 24 * HOUR);
    const quiet = roundWith('quiet', coveredUntilHourBefore(scheduledAt));
    const busy = roundWith('busy', { topicDays: [0, 15], ...coveredUntilHourBefore(scheduledAt) });
    const store = new InMemoryStore([quiet.round, busy.round], [...quiet.members, ...busy.members]);
    const queue = new RecordingQueue();

    // Act
    const results = await dispatched(depsFor(store, queue), scheduledAt);

    // Assess
    expect(results).toEqual([{ roundId: 'busy', enqueued: 1 }]);
    expect(queue.jobs.map((j) => [j.participantId, j.topic])).toEqual([[busy.auckland.id, 2]]);
    expect(store.memberReads).toEqual(['busy']);
    expect(store.watermarkWrites).toEqual([`busy@${scheduledAt.toISOString()}`]);
  });

  it('skips a round whose every topic is past, without reading its members', async () => {
    // Prepare: the last topic (day 28) went out on 31 March.
    const { round, members } = roundWith('finished', { dispatchedUntil: '2025-04-01T00:00:00.000Z' });
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();

    // Act
    const results = await dispatched(depsFor(store, queue), new Date('2025-04-02T00:00:00Z'));

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
    const results = await dispatched(depsFor(store, queue), AUCKLAND_TOPIC_2);

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
    const results = await dispatched(depsFor(store, queue), new Date('2025-03-17T04:00:00Z'));

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
    const results = await dispatched(depsFor(store, queue), new Date('2025-03-17T04:00:00Z'));

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
    const results = await dispatched(depsFor(store, queue), AUCKLAND_TOPIC_2);

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
    const results = await dispatched(depsFor(store, queue), AUCKLAND_TOPIC_2);

    // Assess
    expect(results).toEqual([]);
    expect(queue.calls).toEqual([]);
  });

  it('queues nothing, and writes nothing, when a run that succeeded is retried or replayed', async () => {
    // Prepare: two members are due in the same hour.
    const { round, members } = roundWith('replay', { topicDays: [0, 14] });
    const both = members.map((m) => ({ ...m, timezone: 'Asia/Kolkata' }));
    const store = new InMemoryStore([{ ...round, timeZones: ['Asia/Kolkata'] }], both);
    const queue = new RecordingQueue();
    const deps = depsFor(store, queue);
    const first = await dispatched(deps, new Date('2025-03-17T04:00:00Z'));

    // Act: Lambda retries the event, then the dead-letter queue hands it back a day later.
    const retry = await dispatched(deps, new Date('2025-03-17T04:00:00Z'));
    const replay = await dispatched(deps, new Date('2025-03-17T04:00:00Z'));

    // Assess
    expect(first).toEqual([{ roundId: 'replay', enqueued: 2 }]);
    expect([retry, replay]).toEqual([[], []]);
    expect(queue.calls).toHaveLength(1);
    expect(store.watermarkWrites).toHaveLength(1);
  });

  it('sends nothing twice when the next hourly run follows', async () => {
    // Prepare
    const { round, members } = roundWith('hourly');
    const store = new InMemoryStore([round], members);
    const queue = new RecordingQueue();
    const deps = depsFor(store, queue);
    await dispatched(deps, AUCKLAND_TOPIC_2);

    // Act
    const results = await dispatched(deps, new Date(AUCKLAND_TOPIC_2.getTime() + HOUR));

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
      await dispatched(deps, new Date(t));
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
    const atAuckland = await dispatched(deps, new Date('2025-03-23T20:00:00Z'));
    const between = await dispatched(deps, new Date('2025-03-24T02:00:00Z'));
    const atKolkata = await dispatched(deps, new Date('2025-03-24T04:00:00Z'));

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
        await dispatched(deps, new Date('2025-03-03T15:00:00Z'));
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
      await dispatched(deps, new Date(t));
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
