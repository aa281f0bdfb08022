import { beforeAll, describe, expect, it } from 'vitest';
import { logger } from '#adapters/logger';
import { MEMBERS_SOURCE, MemberChanged } from '#core/events';
import type { Member, Partnership, RoundStatus } from '#core/model';
import * as lifecycle from '#handlers/lifecycle';
import { VirtualClock } from '#local/clock';
import { aMember, aRound, partnered, partnershipId } from '../core/fixtures.ts';
import { InMemoryLifecycle, RecordingJobQueue } from '../use-cases/fake-lifecycle.ts';
import { captureLogs, RecordingMetrics } from './recording-metrics.ts';

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

const DAY_MS = 86_400_000;
const LAUNCHED_AT = '2025-03-03T12:00:00.000Z';
const day = (n: number) => new Date(Date.parse(LAUNCHED_AT) + n * DAY_MS);
/** Runs 2025-03-03 to 2025-06-23. */
const round = aRound({ launchedAt: LAUNCHED_AT, launchEventId: 'evt-1' });

const setUp = ({
  roundStatus = 'running',
  leaver = false,
  clockAt = day(10),
  priyaNudgedAt,
}: {
  roundStatus?: RoundStatus;
  leaver?: boolean;
  clockAt?: Date;
  priyaNudgedAt?: Date;
} = {}) => {
  const [aroha, priya] = partnered('pair', [
    aMember({ seed: 'aroha' }),
    aMember({
      seed: 'priya',
      country: 'IN',
      ...(leaver ? { status: 'unsubscribed' as const, statusChangedAt: day(9).toISOString() } : {}),
    }),
  ]) as [Member, Member];
  const pair: Partnership = {
    roundId: round.id,
    id: partnershipId('pair'),
    members: [aroha.id, priya.id],
    status: 'active',
    origin: 'matched',
    lastActivity: {},
    nudged: priyaNudgedAt ? { [priya.id]: priyaNudgedAt.toISOString() } : {},
    flaggedBy: {},
    quietIds: [],
    notices: {},
  };
  const store = new InMemoryLifecycle({
    rounds: [{ ...round, status: roundStatus }],
    members: [aroha, priya],
    partnerships: [pair],
  });
  const queue = new RecordingJobQueue();
  const metrics = new RecordingMetrics();
  const deps: lifecycle.LifecycleDeps = {
    metrics,
    lifecycle: store,
    rounds: store,
    membership: store,
    queue,
    clock: new VirtualClock(clockAt),
    newPartnershipId: () => partnershipId('newa'),
  };
  return { aroha, priya, pair, store, queue, deps, metrics };
};

/** An EventBridge scheduled event, as the daily rule delivers it. */
const scheduledEvent = (time: string) => ({
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time,
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:123456789012:rule/Lifecycle'],
  detail: {},
});

const memberChanged = (detail: Record<string, unknown>) => ({
  version: '0',
  id: 'f3a1c0de-0000-4000-8000-000000000001',
  'detail-type': MemberChanged.detailType,
  source: MEMBERS_SOURCE,
  account: '123456789012',
  time: day(9).toISOString(),
  region: 'eu-west-1',
  resources: [],
  detail,
});

describe('lifecycle handler', () => {
  it("runs the daily lifecycle for the event's scheduled time, not the clock's", async () => {
    // Prepare: the clock is past the round's end, so a run at the clock's now would close the round;
    // the event is for day 21, when priya (who never wrote) is due a nudge.
    const { priya, store, queue, deps } = setUp({ clockAt: new Date('2025-07-01T06:00:00Z') });
    const handle = lifecycle.createHandler(deps);

    // Act
    const outcome = await handle(scheduledEvent(day(21).toISOString()));

    // Assess
    expect(outcome).toMatchObject({ trigger: 'schedule', rounds: [{ roundId: round.id, closed: false }] });
    expect(store.round(round.id)?.status).toBe('running');
    expect(queue.sendJobs.filter((j) => j.kind === 'nudge').map((j) => j.participantId)).toContain(priya.id);
  });

  it('follows up the round of a MemberChanged event at once', async () => {
    // Prepare
    const { aroha, priya, queue, deps } = setUp({ leaver: true });
    const handle = lifecycle.createHandler(deps);

    // Act
    const outcome = await handle(
      memberChanged({
        roundId: round.id,
        participantId: priya.id,
        change: 'unsubscribed',
        at: day(9).toISOString(),
      }),
    );

    // Assess
    expect(outcome).toEqual({
      trigger: 'member-change',
      roundId: round.id,
      followUp: { partnersTold: 1, alertsRaised: 1, partnershipsEnded: 1, introductions: 0 },
    });
    expect(queue.sendJobs.map((j) => [j.kind, j.participantId, j.subjectId])).toEqual([
      ['partner-left', aroha.id, priya.id],
    ]);
  });

  it.each([
    ['no event at all', undefined],
    ['an object that is no event', { hello: 'world' }],
    ['a scheduled event whose time is not an instant', scheduledEvent('yesterday')],
    [
      'a MemberChanged event with a malformed detail',
      memberChanged({ roundId: round.id, participantId: 'someone', change: 'left', at: 'now' }),
    ],
    [
      'another kind of bus event',
      { ...memberChanged({ roundId: round.id }), 'detail-type': 'RoundLaunchRequested' },
    ],
  ])('ignores %s without throwing or doing anything', async (_what, event) => {
    // Prepare
    const { store, queue, deps } = setUp({ leaver: true });
    const before = await store.loadRoundState(round.id);

    // Act
    const outcome = await lifecycle.createHandler(deps)(event);

    // Assess
    expect(outcome).toEqual({
      trigger: 'ignored',
      reason: 'neither a scheduled event nor a well-formed MemberChanged event',
    });
    expect(queue.jobs).toEqual([]);
    expect(await store.loadRoundState(round.id)).toEqual(before);
  });

  it.each<[string, string, RoundStatus]>([
    ['a round that is closed', 'spring-2025', 'closed'],
    ['a round that does not exist', 'nowhere', 'running'],
  ])('ignores a member change in %s', async (_what, roundId, roundStatus) => {
    // Prepare
    const { priya, queue, deps } = setUp({ leaver: true, roundStatus });
    const handle = lifecycle.createHandler(deps);

    // Act
    const outcome = await handle(
      memberChanged({ roundId, participantId: priya.id, change: 'unsubscribed', at: day(9).toISOString() }),
    );

    // Assess
    expect(outcome).toEqual({ trigger: 'ignored', reason: `round ${roundId} is not running` });
    expect(queue.jobs).toEqual([]);
  });

  it.each([
    ['may fix (a throttled read)', new Error('ProvisionedThroughputExceededException'), true],
    ['cannot fix (an invalid stored item)', undefined, false],
  ])(
    'runs the other rounds when one fails, counts and logs that round, and fails the invocation when a retry %s',
    async (_what, failure, fails) => {
      // Prepare: a second running round, listed first, whose state cannot be loaded.
      const { StoredItemInvalid } = await import('#ports/errors');
      const error = failure ?? new StoredItemInvalid('stored member ROUND#abroken/MEMBER#pxx is invalid');
      const { deps, metrics, store, queue, priya } = setUp();
      await store.createRound({ ...round, id: 'abroken' });
      const load = store.loadRoundState.bind(store);
      store.loadRoundState = async (roundId) => {
        if (roundId === 'abroken') throw error;
        return load(roundId);
      };

      // Act
      const { result, lines } = await captureLogs(logger, () =>
        lifecycle
          .createHandler(deps)(scheduledEvent(day(21).toISOString()))
          .catch((thrown: unknown) => thrown),
      );

      // Assess: the other round had its day (priya's nudge), whatever happened to the broken one.
      expect(queue.sendJobs.filter((j) => j.kind === 'nudge').map((j) => j.participantId)).toContain(
        priya.id,
      );
      expect(metrics.counts).toContainEqual({
        name: 'ScheduledRunFailures',
        n: 1,
        dimensions: { run: 'lifecycle' },
      });
      expect(lines).toContainEqual(
        expect.objectContaining({ level: 'ERROR', roundId: 'abroken', retried: fails }),
      );
      expect(metrics.flushes).toBe(1);
      if (fails) {
        expect(result).toMatchObject({ name: 'ScheduledRunIncomplete', cause: error });
      } else {
        expect(result).toMatchObject({ trigger: 'schedule', failed: ['abroken'] });
        expect((result as { rounds: { roundId: string }[] }).rounds.map((r) => r.roundId)).toEqual([
          round.id,
        ]);
      }
    },
  );

  it('counts the partnerships the daily run puts at risk for silence as escalations', async () => {
    // Prepare: priya was nudged on day 21 and has been silent for the 7 escalation days since.
    const { deps, metrics, store } = setUp({ priyaNudgedAt: day(21) });

    // Act
    await lifecycle.createHandler(deps)(scheduledEvent(day(29).toISOString()));

    // Assess
    expect(store.partnership(round.id, partnershipId('pair')).status).toBe('at-risk');
    expect(metrics.total('Escalations', { reason: 'silent' })).toBe(1);
    expect(metrics.flushes).toBe(1);
  });

  it("logs a member change with the event's round, participant and partnership ids", async () => {
    // Prepare
    const { priya, deps } = setUp({ leaver: true });

    // Act
    const { lines } = await captureLogs(logger, () =>
      lifecycle.createHandler(deps)(
        memberChanged({
          roundId: round.id,
          participantId: priya.id,
          change: 'unsubscribed',
          at: day(9).toISOString(),
        }),
      ),
    );

    // Assess
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'member change followed up',
        roundId: round.id,
        participantId: priya.id,
        partnershipId: partnershipId('pair'),
        eventId: 'f3a1c0de-0000-4000-8000-000000000001',
        change: 'unsubscribed',
      }),
    ]);
  });
});
