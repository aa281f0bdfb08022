import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '#adapters/logger';
import type { SendJob } from '#core/model';
import { DISPATCH_INTERVAL_MS } from '#core/schedule';
import * as dispatch from '#handlers/dispatch-topics';
import { schedules } from '#infra/wiring';
import { VirtualClock } from '#local/clock';
import { occurrences } from '#local/scheduler';
import { clients } from '../aws-clients.ts';
import { aMember, aRound, partnered, zonesOf } from '../core/fixtures.ts';
import { InMemoryStore, RecordingQueue } from '../use-cases/fakes.ts';
import { captureLogs, RecordingMetrics } from './recording-metrics.ts';

const db = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

/** What the function's createDeps gets on Lambda: its environment, the clients, the clock. */
const context = (now: string) => ({
  env: {
    TABLE_NAME: 'tandem-test',
    SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/tandem-send',
  },
  clients,
  clock: new VirtualClock(now),
});

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

// 2025-03-17 09:00 in Auckland was 2025-03-16T20:00Z: topic 2 of a round that started on 2025-03-03.
const TOPIC_2_HOUR = '2025-03-16T20:00:00Z';
const members = partnered('pair', [aMember({ seed: 'aroha' }), aMember({ seed: 'mere', country: 'IN' })]);
const round = aRound({
  topicDays: [0, 14, 28],
  launchEventId: 'evt-1',
  launchQueuedUntil: '2025-03-02T12:00:00.000Z',
  timeZones: zonesOf(members),
});

/** An EventBridge scheduled event, as the hourly rule delivers it. */
const scheduledEvent = (time: string) => ({
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time,
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:123456789012:rule/DispatchTopics'],
  detail: {},
});

const fakeDeps = (now: string) => {
  const store = new InMemoryStore([round], members);
  const queue = new RecordingQueue();
  const metrics = new RecordingMetrics();
  return {
    store,
    queue,
    metrics,
    deps: { rounds: store, participants: store, queue, clock: new VirtualClock(now), metrics },
  };
};

describe('dispatch-topics handler', () => {
  beforeEach(() => {
    db.reset();
    sqs.reset();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each([
    ['a late invocation', '2025-03-16T21:10:00Z'],
    ['a replay from the dead-letter queue days later', '2025-03-19T08:00:00Z'],
  ])(
    "covers the hour ending at the event's scheduled time on %s, not the hour before the clock's now",
    async (_when, now) => {
      // Prepare: the hour before the clock's now holds no topic.
      const { queue, deps } = fakeDeps(now);
      const handle = dispatch.createHandler(deps);

      // Act
      const results = await handle(scheduledEvent(TOPIC_2_HOUR));

      // Assess
      expect(results).toEqual([{ roundId: round.id, enqueued: 2 }]);
      expect(queue.jobs.map((j) => [j.participantId, j.topic])).toEqual(members.map((m) => [m.id, 2]));
    },
  );

  it.each([
    ['an event without a time', {}],
    [
      'an event whose time is not an ISO instant',
      { ...scheduledEvent('2025-03-16T09:00:00Z'), time: 'yesterday' },
    ],
    ['no event at all', undefined],
  ])("falls back to the clock's now, with a warning, for %s", async (_what, event) => {
    // Prepare
    const { queue, deps } = fakeDeps(TOPIC_2_HOUR);
    const warn = vi.spyOn(logger, 'warn');
    const handle = dispatch.createHandler(deps);

    // Act
    const results = await handle(event);

    // Assess
    expect(results).toEqual([{ roundId: round.id, enqueued: 2 }]);
    expect(queue.jobs).toHaveLength(2);
    expect(warn).toHaveBeenCalledWith('scheduled event without a time; dispatching up to now');
  });

  it('logs no warning for an event that carries its time', async () => {
    // Prepare
    const { deps } = fakeDeps(TOPIC_2_HOUR);
    const warn = vi.spyOn(logger, 'warn');

    // Act
    await dispatch.createHandler(deps)(scheduledEvent(TOPIC_2_HOUR));

    // Assess
    expect(warn).not.toHaveBeenCalled();
  });

  it("reads running rounds from the index and the members, enqueues on SQS, then moves the round's watermark", async () => {
    // Prepare
    db.on(QueryCommand).callsFake((input: QueryCommandInput) =>
      input.IndexName === 'gsi1'
        ? { Items: [{ pk: `ROUND#${round.id}`, sk: 'ROUND', v: 1, ...round }] }
        : { Items: members.map((m) => ({ pk: `ROUND#${round.id}`, sk: `MEMBER#${m.id}`, v: 1, ...m })) },
    );
    db.on(UpdateCommand).resolves({});
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
    const handle = dispatch.createHandler(await dispatch.createDeps(context('2025-03-16T20:00:42Z')));

    // Act
    await handle(scheduledEvent(TOPIC_2_HOUR));

    // Assess
    const bodies = sqs
      .commandCalls(SendMessageBatchCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .map((e) => JSON.parse(e.MessageBody ?? 'null') as SendJob);
    expect(bodies).toEqual(
      members.map((m) => ({
        v: 1,
        roundId: round.id,
        participantId: m.id,
        kind: 'topic',
        topic: 2,
        partnerIds: m.partnerIds,
      })),
    );
    expect(db.calls().map((c) => c.args[0].constructor.name)).toEqual([
      'QueryCommand',
      'QueryCommand',
      'UpdateCommand',
    ]);
    expect(db.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: `ROUND#${round.id}`, sk: 'ROUND' },
      UpdateExpression: 'SET dispatchedUntil = :until',
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(dispatchedUntil) OR dispatchedUntil < :until)',
      ExpressionAttributeValues: { ':until': '2025-03-16T20:00:00.000Z' },
    });
  });

  it('counts and logs a round whose dispatch failed, and fails the invocation so that Lambda retries it', async () => {
    // Prepare: SQS refuses the jobs.
    const { deps, metrics } = fakeDeps(TOPIC_2_HOUR);
    deps.queue.enqueue = async () => {
      throw new Error('SQS: ServiceUnavailable');
    };
    const handle = dispatch.createHandler(deps);

    // Act
    const { result, lines } = await captureLogs(logger, () =>
      handle(scheduledEvent(TOPIC_2_HOUR)).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );

    // Assess
    expect(result).toMatchObject({
      name: 'ScheduledRunIncomplete',
      message: expect.stringContaining(round.id),
    });
    expect(metrics.counts).toEqual([{ name: 'ScheduledRunFailures', n: 1, dimensions: { run: 'dispatch' } }]);
    expect(metrics.flushes).toBe(1);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'ERROR', roundId: round.id, retried: true }),
    );
  });

  it('does not fail the invocation for a round whose stored item is invalid: a retry cannot fix it', async () => {
    // Prepare: one round item no longer fits the schema; the other round is fine.
    db.on(QueryCommand).callsFake((input: QueryCommandInput) =>
      input.IndexName === 'gsi1'
        ? {
            Items: [
              {
                pk: 'ROUND#abroken',
                sk: 'ROUND',
                gsi1sk: 'abroken',
                v: 1,
                ...round,
                id: 'abroken',
                weeks: 'many',
              },
              { pk: `ROUND#${round.id}`, sk: 'ROUND', gsi1sk: round.id, v: 1, ...round },
            ],
          }
        : { Items: members.map((m) => ({ pk: `ROUND#${round.id}`, sk: `MEMBER#${m.id}`, v: 1, ...m })) },
    );
    db.on(UpdateCommand).resolves({});
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
    const metrics = new RecordingMetrics();
    const handle = dispatch.createHandler({
      ...(await dispatch.createDeps(context('2025-03-16T20:00:42Z'))),
      metrics,
    });

    // Act
    const { result, lines } = await captureLogs(logger, () => handle(scheduledEvent(TOPIC_2_HOUR)));

    // Assess
    expect(result).toEqual([{ roundId: round.id, enqueued: 2 }]);
    expect(metrics.total('ScheduledRunFailures', { run: 'dispatch' })).toBe(1);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'ERROR', roundId: 'abroken', retried: false }),
    );
  });

  it('reads no members of a round with nothing due in the hour', async () => {
    // Prepare
    db.on(QueryCommand).callsFake((input: QueryCommandInput) =>
      input.IndexName === 'gsi1'
        ? { Items: [{ pk: `ROUND#${round.id}`, sk: 'ROUND', v: 1, ...round, dispatchedUntil: TOPIC_2_HOUR }] }
        : { Items: [] },
    );
    const handle = dispatch.createHandler(await dispatch.createDeps(context('2025-03-16T21:00:42Z')));

    // Act
    const results = await handle(scheduledEvent('2025-03-16T21:00:00Z'));

    // Assess
    expect(results).toEqual([]);
    expect(db.commandCalls(QueryCommand).map((c) => c.args[0].input.IndexName)).toEqual(['gsi1']);
    expect(sqs.calls()).toEqual([]);
  });

  it('is scheduled once every DISPATCH_INTERVAL_MS, so consecutive runs cover adjacent windows', () => {
    // Prepare
    const schedule = schedules.find((s) => s.target === 'dispatchTopics');

    // Act
    const fired = occurrences(
      schedule?.expression ?? 'missing',
      new Date('2025-03-30T00:00:00Z'),
      new Date('2025-03-31T00:00:00Z'),
    );

    // Assess
    expect(fired).toHaveLength(24);
    expect(fired.slice(1).map((t, i) => t.getTime() - (fired[i] as Date).getTime())).toEqual(
      Array(23).fill(DISPATCH_INTERVAL_MS),
    );
  });
});
